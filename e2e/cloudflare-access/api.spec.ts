import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { fakeCloudflare, mintAccessToken, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// Cloudflare Access mode against the running app: real RS256 tokens from the fake team
// domain's JWKS, sent in the Cf-Access-Jwt-Assertion header as Cloudflare does.
const header = (token: string) => ({ "cf-access-jwt-assertion": token });

async function me(request: APIRequestContext, headers: Record<string, string> = {}) {
  const res = await request.get("/api/v1/auth/me", { headers });
  return { status: res.status(), body: await res.json() };
}

test("a known user's email (any case) gets 200 with that user", async ({ request }) => {
  const token = await mintAccessToken(request, { email: "  ADMIN@Example.com" });
  const res = await me(request, header(token));
  expect(res.status).toBe(200);
  expect(res.body.user).toMatchObject({ username: E2E.cfAdmin.username, email: E2E.cfAdmin.email, role: "admin" });
  expect(res.body.method).toBe("cloudflare-access");
});

test("an unknown email gets 403 that names it; no token 401; a foreign key 401", async ({ request }) => {
  const unknown = await me(request, header(await mintAccessToken(request, { email: "stranger@example.com" })));
  expect(unknown.status).toBe(403);
  expect(unknown.body.error).toMatchObject({ code: "unknown_email" });
  expect(unknown.body.error.message).toContain("stranger@example.com");

  expect((await me(request)).status).toBe(401);
  const foreign = await me(request, header(await mintAccessToken(request, { email: E2E.cfAdmin.email }, { foreign: true })));
  expect(foreign.status).toBe(401);
  expect((await me(request, header(await mintAccessToken(request, { email: E2E.cfAdmin.email, expiresIn: -300 })))).status).toBe(401);
  expect((await me(request, header(await mintAccessToken(request, { email: E2E.cfAdmin.email, aud: ["other-app"] })))).status).toBe(401);
});

test("never trusts the plaintext email header, the CF_Authorization cookie, or a middleware-bypass header", async ({ request }) => {
  const valid = await mintAccessToken(request, { email: E2E.cfAdmin.email });
  expect((await me(request, { "cf-access-authenticated-user-email": E2E.cfAdmin.email })).status).toBe(401);
  expect((await me(request, { cookie: `CF_Authorization=${valid}` })).status).toBe(401);
  // CVE-2025-29927's header must not skip the door: handlers check again.
  const bypass = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware", "x-middleware-subrequest-id": "x" };
  expect((await me(request, bypass)).status).toBe(401);
  expect((await request.get("/api/v1/users", { headers: bypass })).status()).toBe(401);
  const page = await request.get("/users", { headers: bypass, maxRedirects: 0 });
  expect([401, 403]).toContain(page.status());
  expect(await page.text()).not.toContain(E2E.cfAdmin.email);
});

test("built-in sign-in, setup and password endpoints answer 403; config reports the mode and logout URL", async ({ request }) => {
  const config = await (await request.get("/api/v1/auth/config")).json();
  expect(config).toMatchObject({ cf_access_enabled: true, mode: "cloudflare-access", logout_url: `${E2E.fakeCloudflareUrl}/cdn-cgi/access/logout` });
  expect((await request.post("/api/v1/auth/login", { data: E2E.cfAdmin })).status()).toBe(403);
  expect((await request.post("/api/v1/auth/setup", { data: { username: "x-admin", password: "password123" } })).status()).toBe(403);
  expect((await (await request.get("/api/v1/auth/setup-required")).json()).setup_required).toBe(false);
});

test("service tokens: unlinked 403, linked to a user 200 as that user", async ({ request }) => {
  const admin = header(await mintAccessToken(request, { email: E2E.cfAdmin.email }));
  // Cloudflare's shape: 32 hex characters, then .access.
  const clientId = `${randomBytes(16).toString("hex")}.access`;
  const serviceToken = header(await mintAccessToken(request, { commonName: clientId }));
  const unlinked = await me(request, serviceToken);
  expect(unlinked.status).toBe(403);
  expect(unlinked.body.error.code).toBe("unlinked_service_token");

  const res = await request.post("/api/v1/users", { headers: admin, data: { username: unique("robot"), email: `${unique("robot")}@example.com`, role: "user" } });
  expect(res.status()).toBe(201);
  const robot = (await res.json()).user;
  expect(robot.hasPassword).toBe(false);
  // A Client ID in any other shape is refused with a message that says what one looks like.
  for (const wrong of ["not-a-client-id", `${clientId.slice(0, -7)}.accesss`, clientId.slice(1)]) {
    const refused = await request.post(`/api/v1/users/${robot.id}/service-tokens`, { headers: admin, data: { clientId: wrong, name: "CI" } });
    expect(refused.status(), wrong).toBe(400);
    expect((await refused.json()).error.fields.clientId).toEqual([expect.stringMatching(/^A Client ID is 32 hex characters then \.access/)]);
  }
  // Pasted with spaces and in capitals, it is the same Client ID.
  const link = await request.post(`/api/v1/users/${robot.id}/service-tokens`, { headers: admin, data: { clientId: `  ${clientId.toUpperCase()} `, name: "CI" } });
  expect(link.status()).toBe(201);
  expect((await link.json()).service_token.clientId).toBe(clientId);

  const linked = await me(request, serviceToken);
  expect(linked.status).toBe(200);
  expect(linked.body).toMatchObject({ user: { id: robot.id }, method: "cloudflare-service-token" });
  // A plain user cannot do admin things.
  expect((await request.get("/api/v1/users", { headers: serviceToken })).status()).toBe(403);
});

test("a user created in this mode needs an email, and can then sign in", async ({ request }) => {
  const admin = header(await mintAccessToken(request, { email: E2E.cfAdmin.email }));
  const noEmail = await request.post("/api/v1/users", { headers: admin, data: { username: unique("nomail") } });
  expect(noEmail.status()).toBe(400);
  expect((await noEmail.json()).error.fields.email[0]).toMatch(/email/);
  const email = `${unique("new")}@example.com`;
  expect((await request.post("/api/v1/users", { headers: admin, data: { username: email, email: email.toUpperCase() } })).status()).toBe(201);
  expect((await me(request, header(await mintAccessToken(request, { email })))).status).toBe(200);
});

test("a token signed by a rotated-in key is accepted; the previous key still is", async ({ request }) => {
  const before = await mintAccessToken(request, { email: E2E.cfAdmin.email });
  expect((await me(request, header(before))).status).toBe(200);
  await fakeCloudflare(request, "rotate");
  // The app's cooldown (10 s) may hold a refetch back right after start-up; poll until it fetches.
  await expect.poll(async () => (await me(request, header(await mintAccessToken(request, { email: E2E.cfAdmin.email })))).status, { timeout: 20_000, intervals: [1000] }).toBe(200);
  expect((await me(request, header(await mintAccessToken(request, { email: E2E.cfAdmin.email, signWith: "previous" })))).status).toBe(200);
  expect((await me(request, header(before))).status).toBe(200);
});
