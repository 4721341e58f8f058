import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { signInBuiltinAdmin, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import { isApiError, rawRequest, rawSocket } from "../fixtures/raw-http";
import { actionIdsFromBrowser, callAction } from "../fixtures/server-actions";

// Issue 13, one test per numbered input: what an attacker sent, and what Gatehouse must
// answer — the right status, the documented shape, and nothing written.

const json = (body: string) => JSON.parse(body) as { error: { code: string; message: string; fields?: Record<string, string[]> } };

async function signedIn(baseURL: string | undefined): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL });
  await signInBuiltinAdmin(ctx);
  return ctx;
}

async function counts(request: APIRequestContext) {
  const [users, providers, keys] = await Promise.all(["/api/v1/users", "/api/v1/providers", "/api/v1/keys"].map(async (p) => (await request.get(p)).json()));
  return { users: users.users.length, providers: providers.providers.length, keys: keys.keys.length };
}

test("1: a signed-in user opening /login?next=/..//evil.example stays on this site", async ({ baseURL }) => {
  const request = await signedIn(baseURL);
  for (const next of ["/..//evil.example", "/%2e%2e//evil.example", "/../..//evil.example/x?y=1", "//evil.example", "/\\evil.example"]) {
    const res = await request.get(`/login?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
    expect(res.status(), next).toBe(307);
    const location = res.headers()["location"]!;
    expect(new URL(location, "http://gatehouse.test").host, `${next} → ${location}`).toBe("gatehouse.test");
    expect(location.startsWith("//") || location.startsWith("/\\"), location).toBe(false);
  }
  // A same-site target still works.
  expect((await request.get("/login?next=%2Fkeys", { maxRedirects: 0 })).headers()["location"]).toBe("/keys");
});

test("2: a server action whose argument is not form data gets its form's error, not a 500", async ({ page, baseURL }) => {
  const ids = await actionIdsFromBrowser(page, ["/login"]);
  const loginAction = ids.get("loginAction")!;
  // The id is the one the browser itself sends with the login form.
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  await page.getByLabel("Username or email").fill("nobody");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  expect((await sent).headers()["next-action"]).toBe(loginAction);

  const anon = await playwrightRequest.newContext({ baseURL });
  for (const body of ["[]", "null", "1", "{}", '[{"ok":false},null]', '[{"ok":false},{"username":"admin"}]', '[{"ok":false},"$K1"]']) {
    const res = await callAction(anon, { path: "/login", id: loginAction, raw: { body, contentType: "text/plain;charset=UTF-8" } });
    expect(res.status, body).toBeLessThan(500);
    if (res.status === 200) expect(res.state, body).toMatchObject({ ok: false, message: expect.stringMatching(/form's fields|Enter your username/) });
    else expect(isApiError(res.body), `${body}: ${res.body}`).toBe(true);
  }
});

test("3: the framework's own server-action errors come back in the documented shape", async ({ page, baseURL }) => {
  const loginAction = (await actionIdsFromBrowser(page, ["/login"])).get("loginAction")!;
  const anon = await playwrightRequest.newContext({ baseURL });
  const cases: [string, { body: string | Buffer; contentType: string }, number, string][] = [
    ["a body over 1 MB", { body: `["${"x".repeat(1_100_000)}"]`, contentType: "text/plain;charset=UTF-8" }, 413, "payload_too_large"],
    ["a body that is not the action encoding", { body: "definitely not json", contentType: "text/plain;charset=UTF-8" }, 400, "validation"],
    ["a 10,000-deep argument", { body: `${"[".repeat(10_000)}${"]".repeat(10_000)}`, contentType: "text/plain;charset=UTF-8" }, 400, "validation"],
    ["a bad reference", { body: '["$Q99"]', contentType: "text/plain;charset=UTF-8" }, 400, "validation"],
    ["a multipart body without its arguments", { body: "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n", contentType: "multipart/form-data; boundary=b" }, 400, "validation"],
    ["a broken multipart body", { body: "--b\r\ngarbage", contentType: "multipart/form-data; boundary=b" }, 400, "validation"],
  ];
  for (const [what, raw, status, code] of cases) {
    const res = await callAction(anon, { path: "/login", id: loginAction, raw });
    expect(res.status, what).toBe(status);
    expect(json(res.body).error.code, what).toBe(code);
  }
});

test("4: a NUL as the gateway's provider key is a 404 in the OpenAI error shape", async ({ baseURL }) => {
  const res = await rawRequest(baseURL!, { path: "/gateway/%00/v1/models", headers: { authorization: "Bearer x" } });
  expect(res.status).toBe(404);
  const body = JSON.parse(res.body);
  expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: "not_found" });
});

test("5: a 4 MB body on a signed-in API route is a 413 before the session is even looked up", async ({ baseURL }) => {
  // A fresh session: not in the principal cache, so the database would be asked.
  const request = await signedIn(baseURL);
  const cookie = (await request.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const before = await counts(request);
  const big = JSON.stringify({ name: "x".repeat(4 * 1024 * 1024) });
  for (const [method, path] of [
    ["POST", "/api/v1/keys"],
    ["POST", "/api/v1/users"],
    ["PATCH", "/api/v1/providers/00000000-0000-4000-8000-000000000000"],
  ] as const) {
    const res = await rawRequest(baseURL!, { method, path, headers: { cookie, "content-type": "application/json" }, body: big });
    expect(res.status, `${method} ${path}`).toBe(413);
    expect(json(res.body).error.code).toBe("payload_too_large");
  }
  expect(await counts(request)).toEqual(before);
});

test("6: a lone surrogate in a model id is a 400 naming the field, on create and on edit", async ({ baseURL }) => {
  const request = await signedIn(baseURL);
  const key = unique("surrogate");
  const raw = (extra: string) => `{"apiType":"openai-completions","key":"${key}","name":"S","baseUrl":"http://127.0.0.1:9/v1"${extra}}`;
  let res = await request.post("/api/v1/providers", { headers: { "content-type": "application/json" }, data: raw(',"models":"a\\ud800"') });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.fields.models[0]).toMatch(/surrogate/);

  res = await request.post("/api/v1/providers", { data: JSON.parse(raw("")) });
  expect(res.status()).toBe(201);
  const { provider } = await res.json();
  for (const models of ['"a\\ud800"', '[{"id":"a\\udc00b"}]']) {
    res = await request.patch(`/api/v1/providers/${provider.id}`, { headers: { "content-type": "application/json" }, data: `{"models":${models}}` });
    expect(res.status(), models).toBe(400);
    expect((await res.json()).error.code).toBe("validation");
  }
  expect((await (await request.get(`/api/v1/providers/${provider.id}`)).json()).provider.updatedAt).toBe(provider.updatedAt);
});

test("7: TRACE on any route is a 405 in the documented shape, with no sign-in", async ({ baseURL }) => {
  for (const path of ["/", "/login", "/api/v1/users", "/api/health", "/gateway/x/v1/models"]) {
    const res = await rawRequest(baseURL!, { method: "TRACE", path });
    expect(res.status, path).toBe(405);
    expect(res.headers["allow"]).toContain("GET");
    expect(isApiError(res.body), res.body).toBe(true);
    expect(res.body).not.toMatch(/\bat .+\.js:\d+/);
  }
});

test("9: silent wrong writes are refused with a 400 and leave nothing behind", async ({ page, baseURL }) => {
  const request = await signedIn(baseURL);
  const before = await counts(request);

  // An impossible date is refused, not rolled over to March.
  let res = await request.post("/api/v1/keys", { data: { name: "feb", expiresAt: "2027-02-31" } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.fields.expiresAt).toBeDefined();

  // Only-invisible values are blank, like whitespace-only: names, usernames, API keys, gateway tokens.
  const zw = "\u200b\u200c\u2060";
  for (const [path, data, field] of [
    ["/api/v1/keys", { name: zw }, "name"],
    ["/api/v1/users", { username: zw, password: "long enough pw" }, "username"],
    ["/api/v1/providers", { apiType: "openai-completions", key: unique("zw"), name: zw, baseUrl: "http://127.0.0.1:9/v1" }, "name"],
    ["/api/v1/providers", { apiType: "openai-completions", key: unique("zw"), name: "ZW", baseUrl: "http://127.0.0.1:9/v1", apiKey: zw }, "apiKey"],
    ["/api/v1/providers", { apiType: "cloudflare-ai-gateway", key: unique("zw"), name: "ZW", accountId: "0123456789abcdef0123456789abcdef", gatewayId: "gw", authMode: "unified-billing", gatewayToken: zw }, "gatewayToken"],
  ] as const) {
    res = await request.post(path, { data });
    expect(res.status(), `${path} ${field}`).toBe(400);
    expect(Object.keys((await res.json()).error.fields ?? {}), `${path} ${field}`).toContain(field);
  }

  // A base URL without a host.
  res = await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: unique("nohost"), name: "N", baseUrl: "http:///v1" } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.fields.baseUrl).toBeDefined();
  expect(await counts(request)).toEqual(before);

  // An edit with nothing to change (or only unknown fields) is a 400 and leaves updated_at alone.
  const key = unique("same");
  const { provider } = await (await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key, name: "Same", baseUrl: "http://127.0.0.1:9/v1" } })).json();
  for (const data of ["{}", '{"nonsense":1}', '{"__proto__":{"name":"x"}}']) {
    res = await request.patch(`/api/v1/providers/${provider.id}`, { headers: { "content-type": "application/json" }, data });
    expect(res.status(), data).toBe(400);
    expect(isApiError(await res.text())).toBe(true);
  }
  expect((await (await request.get(`/api/v1/providers/${provider.id}`)).json()).provider.updatedAt).toBe(provider.updatedAt);

  // A provider listed twice is one permission, stored once.
  res = await request.post("/api/v1/keys", { data: { name: "dup", allowedProviders: [key, key, key.toUpperCase()] } });
  expect(res.status()).toBe(201);
  expect((await res.json()).key.allowedProviders).toEqual([key]);

  // Server actions refuse a NUL as the API does, rather than strip it (setup made `adminz` of `admin\0z`).
  await page.context().addCookies((await request.storageState()).cookies);
  const ids = await actionIdsFromBrowser(page, ["/users", "/keys"]);
  const usersBefore = (await counts(request)).users;
  let action = await callAction(request, { path: "/users", id: ids.get("createUserAction")!, fields: { username: "admin\u0000z", password: "long enough pw", role: "user" } });
  expect(action.status).toBe(200);
  expect(action.state).toMatchObject({ ok: false, fieldErrors: { username: [expect.stringContaining("NUL")] } });
  action = await callAction(request, { path: "/keys", id: ids.get("createKeyAction")!, fields: { name: "\u200b\u200b" } });
  expect(action.state).toMatchObject({ ok: false, fieldErrors: { name: [expect.stringContaining("invisible")] } });
  expect((await counts(request)).users).toBe(usersBefore);
  expect((await (await request.get("/api/v1/users")).json()).users.map((u: { username: string }) => u.username)).not.toContain("adminz");
});

test("10: errors outside the documented shape: 405 bodies, odd ids, unknown methods and action ids", async ({ baseURL }) => {
  const request = await signedIn(baseURL);
  const cookie = (await request.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");

  let res = await rawRequest(baseURL!, { method: "PUT", path: "/api/v1/users", headers: { cookie, "content-type": "application/json" }, body: "{}" });
  expect(res.status).toBe(405);
  expect(res.headers["allow"]).toBe("GET, POST, HEAD, OPTIONS");
  expect(json(res.body).error.code).toBe("method_not_allowed");

  for (const id of ["%2e%2e", "%FF%FE", "%zz", "%2E", "..%2F..", "%00", "%C0%AE"]) {
    for (const path of [`/api/v1/users/${id}`, `/api/v1/providers/${id}`, `/api/v1/keys/${id}`, `/api/v1/users/${id}/password`]) {
      res = await rawRequest(baseURL!, { method: path.includes("keys") ? "DELETE" : path.endsWith("password") ? "POST" : "GET", path, headers: { cookie, "content-type": "application/json" }, body: path.endsWith("password") ? "{}" : undefined });
      expect(res.status, path).toBe(404);
      expect(json(res.body).error.code, path).toBe("not_found");
    }
    if (id === "..%2F..") continue; // a real segment: the gateway asks for a key before looking up the provider
    res = await rawRequest(baseURL!, { path: `/gateway/${id}/v1/models`, headers: { authorization: "Bearer x" } });
    expect(res.status, `/gateway/${id}`).toBe(404);
    expect(JSON.parse(res.body).error, `/gateway/${id}`).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  }

  const unknown = await rawSocket(baseURL!, `FOO /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1:${E2E.builtinPort}\r\n\r\n`);
  expect(unknown.status).toBe(405);
  expect(json(unknown.body).error.code).toBe("method_not_allowed");

  res = await rawRequest(baseURL!, { method: "POST", path: "/login", headers: { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" }, body: "[]" });
  expect(res.status).toBe(404);
  expect(json(res.body).error.code).toBe("not_found");
});
