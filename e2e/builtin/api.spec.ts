import { expect, request as playwrightRequest, test } from "@playwright/test";
import { signInBuiltinAdmin, unique } from "../fixtures/api";

// REST for automation: validation, authorization and the error shape, over HTTP.
test("every /api/v1 route but the public ones needs a principal", async ({ baseURL }) => {
  const anon = await playwrightRequest.newContext({ baseURL });
  for (const [method, path] of <[string, string][]>[
    ["GET", "/api/v1/auth/me"],
    ["GET", "/api/v1/users"],
    ["POST", "/api/v1/users"],
    ["PATCH", "/api/v1/users/00000000-0000-0000-0000-000000000000"],
    ["DELETE", "/api/v1/users/00000000-0000-0000-0000-000000000000"],
    ["GET", "/api/v1/providers"],
    ["POST", "/api/v1/providers"],
    ["GET", "/api/v1/keys"],
    ["POST", "/api/v1/keys"],
    ["GET", "/api/v1/usage"],
  ]) {
    const res = await anon.fetch(path, { method, data: method === "GET" || method === "DELETE" ? undefined : {} });
    expect(res.status(), `${method} ${path}`).toBe(401);
    expect((await res.json()).error.code).toBe("unauthenticated");
  }
  for (const path of ["/api/v1/auth/config", "/api/v1/auth/setup-required", "/api/health"]) {
    expect((await anon.get(path)).status(), path).toBe(200);
  }
  await anon.dispose();
});

test("bad input gets a clear 400 and writes nothing", async ({ request }) => {
  await signInBuiltinAdmin(request);
  const before = (await (await request.get("/api/v1/users")).json()).users.length;

  let res = await request.post("/api/v1/users", { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toBe("Request body is not valid JSON");

  res = await request.post("/api/v1/users", { data: { username: "a", email: "nope", password: "short", role: "root" } });
  expect(res.status()).toBe(400);
  const { error } = await res.json();
  expect(error.code).toBe("validation");
  expect(Object.keys(error.fields).sort()).toEqual(["email", "password", "role", "username"]);

  res = await request.post("/api/v1/providers", { data: { apiType: "cloudflare-ai-gateway", key: unique("cf"), name: "CF", accountId: "not-hex", gatewayId: "gw" } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.fields.accountId[0]).toMatch(/32 hexadecimal characters/);

  expect((await request.patch("/api/v1/users/not-a-uuid", { data: { role: "user" } })).status()).toBe(404);
  expect((await (await request.get("/api/v1/users")).json()).users.length).toBe(before);
});

test("admins only: a plain user gets 403 on user and provider management", async ({ request, baseURL }) => {
  await signInBuiltinAdmin(request);
  const username = unique("plain");
  expect((await request.post("/api/v1/users", { data: { username, password: "password123" } })).status()).toBe(201);
  const plain = await playwrightRequest.newContext({ baseURL });
  expect((await plain.post("/api/v1/auth/login", { data: { username, password: "password123" } })).status()).toBe(200);
  expect((await plain.get("/api/v1/users")).status()).toBe(403);
  expect((await plain.post("/api/v1/providers", { data: {} })).status()).toBe(403);
  // ...but manages their own keys, and cannot see or revoke others'.
  const mine = await plain.post("/api/v1/keys", { data: { name: "mine" } });
  expect(mine.status()).toBe(201);
  const adminKey = (await (await request.post("/api/v1/keys", { data: { name: "admin's" } })).json()).key;
  expect((await plain.delete(`/api/v1/keys/${adminKey.id}`)).status()).toBe(404);
  const listed = (await (await plain.get("/api/v1/keys")).json()).keys;
  expect(listed.map((k: { name: string }) => k.name)).toEqual(["mine"]);
  await plain.dispose();
});

test("the last admin cannot be demoted or deleted", async ({ request }) => {
  await signInBuiltinAdmin(request);
  const users = (await (await request.get("/api/v1/users")).json()).users as { id: string; role: string }[];
  const admins = users.filter((u) => u.role === "admin");
  test.skip(admins.length !== 1, "another test made a second admin");
  const res = await request.patch(`/api/v1/users/${admins[0]!.id}`, { data: { role: "user" } });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.message).toMatch(/last admin/);
  expect((await request.delete(`/api/v1/users/${admins[0]!.id}`)).status()).toBe(409);
});

test("cross-site writes are refused; logout ends the session", async ({ request, baseURL }) => {
  await signInBuiltinAdmin(request);
  const res = await request.post("/api/v1/keys", { headers: { origin: "https://evil.example" }, data: { name: "csrf" } });
  expect(res.status()).toBe(403);
  expect((await request.post("/api/v1/keys", { headers: { origin: baseURL! }, data: { name: "same-origin" } })).status()).toBe(201);

  const session = await playwrightRequest.newContext({ baseURL });
  await signInBuiltinAdmin(session);
  expect((await session.get("/api/v1/auth/me")).status()).toBe(200);
  expect((await session.post("/api/v1/auth/logout")).status()).toBe(200);
  expect((await session.get("/api/v1/auth/me")).status()).toBe(401);
  await session.dispose();
});

test("secrets never come back: provider keys, password hashes, key secrets", async ({ request }) => {
  await signInBuiltinAdmin(request);
  const secret = "sk-never-show-me-0123456789";
  await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: unique("sec"), name: "S", baseUrl: "https://api.example.com/v1", apiKey: secret } });
  const created = await (await request.post("/api/v1/keys", { data: { name: "listed" } })).json();
  for (const path of ["/api/v1/providers", "/api/v1/users", "/api/v1/keys", "/api/v1/auth/me"]) {
    const text = await (await request.get(path)).text();
    expect(text).not.toContain(secret);
    expect(text).not.toContain("$argon2");
    expect(text).not.toContain(created.secret);
  }
});
