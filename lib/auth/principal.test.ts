import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeCloudflare, type FakeCloudflare } from "@/e2e/fixtures/fake-cloudflare";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { createUser, deleteUser, linkServiceToken, unlinkServiceToken, updateUser } from "@/lib/users/queries";
import { resolvePrincipal, type Resolution } from "./principal";

// The one resolver, in Cloudflare Access mode, against a real database and real tokens.
let cf: FakeCloudflare;
const AUD = "principal-test-aud";

beforeAll(async () => {
  cf = await startFakeCloudflare({ aud: AUD });
  // Read by getConfig() on first use, which comes after this.
  Object.assign(process.env, { CF_ACCESS_ENABLED: "true", CF_ACCESS_TEAM_DOMAIN: cf.url, CF_ACCESS_AUD: AUD });
});
afterAll(() => cf.close());
beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table users cascade`);
});

async function resolve(claims: { email?: string; commonName?: string }, extraHeaders: Record<string, string> = {}): Promise<Resolution> {
  const token = await cf.issuer.mint(claims);
  const headers = new Headers({ "cf-access-jwt-assertion": token, ...extraHeaders });
  return resolvePrincipal({ headers, cookies: { get: () => undefined } });
}

const statusOf = (r: Resolution) => (r.ok ? 200 : r.status);

describe("principal resolution with Cloudflare Access", () => {
  it("maps the verified email to the user, ignoring case", async () => {
    const u = await createUser({ username: "ada", email: "ada@example.com" });
    const r = await resolve({ email: "ADA@Example.com" });
    expect(r).toMatchObject({ ok: true, principal: { userId: u.id, username: "ada", role: "user", method: "cloudflare-access" } });
  });

  it("sees user changes at once: created, re-emailed, deleted", async () => {
    expect(statusOf(await resolve({ email: "new@example.com" }))).toBe(403);
    const u = await createUser({ username: "newbie", email: "new@example.com" });
    expect(statusOf(await resolve({ email: "new@example.com" }))).toBe(200);

    await updateUser({ id: u.id, input: { email: "renamed@example.com" } });
    expect(statusOf(await resolve({ email: "new@example.com" }))).toBe(403);
    expect(statusOf(await resolve({ email: "renamed@example.com" }))).toBe(200);

    await updateUser({ id: u.id, input: { role: "admin" } });
    const promoted = await resolve({ email: "renamed@example.com" });
    expect(promoted.ok && promoted.principal.role).toBe("admin");

    await createUser({ username: "keeper", email: "keeper@example.com", role: "admin" });
    await deleteUser({ id: u.id });
    expect(statusOf(await resolve({ email: "renamed@example.com" }))).toBe(403);
  });

  it("says 403 with the verified email for strangers, and 401 without a token", async () => {
    const r = await resolve({ email: "stranger@example.com" });
    expect(r).toMatchObject({ ok: false, status: 403, code: "unknown_email", identity: "stranger@example.com" });
    const none = await resolvePrincipal({ headers: new Headers(), cookies: { get: () => undefined } });
    expect(none).toMatchObject({ ok: false, status: 401 });
  });

  it("says why a token was refused, for the 401 page to explain", async () => {
    const none = await resolvePrincipal({ headers: new Headers(), cookies: { get: () => undefined } });
    expect(none).toMatchObject({ ok: false, status: 401, reason: "missing" });
    const expired = await cf.issuer.mint({ email: "ada@example.com", expiresIn: -3600 });
    expect(await resolvePrincipal({ headers: new Headers({ "cf-access-jwt-assertion": expired }), cookies: { get: () => undefined } })).toMatchObject({
      ok: false,
      status: 401,
      reason: "expired",
    });
    const otherApp = await cf.issuer.mint({ email: "ada@example.com", aud: ["another-application"] });
    expect(await resolvePrincipal({ headers: new Headers({ "cf-access-jwt-assertion": otherApp }), cookies: { get: () => undefined } })).toMatchObject({ status: 401, reason: "audience" });
  });

  it("ignores the plaintext email header", async () => {
    await createUser({ username: "boss", email: "boss@example.com", role: "admin" });
    const r = await resolvePrincipal({
      headers: new Headers({ "cf-access-authenticated-user-email": "boss@example.com" }),
      cookies: { get: () => undefined },
    });
    expect(statusOf(r)).toBe(401);
    const forged = await resolve({ email: "nobody@example.com" }, { "cf-access-authenticated-user-email": "boss@example.com" });
    expect(forged).toMatchObject({ status: 403, identity: "nobody@example.com" });
  });

  it("lets a service token in only while it is linked", async () => {
    const robot = await createUser({ username: "robot", email: "robot@example.com" });
    const clientId = "88bf3b6d86161464f6509f7219099e57.access";
    expect(await resolve({ commonName: clientId })).toMatchObject({ status: 403, code: "unlinked_service_token" });
    const link = await linkServiceToken({ userId: robot.id, clientId, name: "CI" });
    expect(await resolve({ commonName: clientId })).toMatchObject({ ok: true, principal: { userId: robot.id, method: "cloudflare-service-token" } });
    await unlinkServiceToken({ id: link.id });
    expect(statusOf(await resolve({ commonName: clientId }))).toBe(403);
  });

  it("records the last sign-in, without a write per request", async () => {
    const u = await createUser({ username: "grace", email: "grace@example.com" });
    expect(statusOf(await resolve({ email: "grace@example.com" }))).toBe(200);
    const db = await getDb();
    const lastLogin = async () => (await db.select({ at: users.lastLoginAt }).from(users).where(sql`${users.id} = ${u.id}`))[0]!.at;
    await expect.poll(lastLogin).not.toBeNull();
    const first = await lastLogin();
    for (let i = 0; i < 20; i++) expect(statusOf(await resolve({ email: "grace@example.com" }))).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastLogin()).toEqual(first);
  });
});
