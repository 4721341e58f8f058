import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createSession, validateSessionToken } from "@/lib/credentials/sessions";
import { BAD_CREDENTIALS, signInWithPassword } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { sessions, spendCounters, spendLimits, users, virtualKeys } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createKey } from "@/lib/keys/queries";
import { recordCallUsage } from "@/lib/limits/admission";
import {
  createUser,
  deleteUser,
  ensureAdmin,
  isSetupRequired,
  linkServiceToken,
  listUsers,
  resetPassword,
  setupFirstAdmin,
  updateUser,
} from "./queries";

const client = { address: "203.0.113.7" };

async function reset() {
  const db = await getDb();
  await db.execute(sql`truncate table users, sessions, virtual_keys, access_service_tokens, request_logs, providers, rate_limits, spend_counters cascade`);
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError");
}

beforeEach(reset);

describe("first-run setup", () => {
  it("is open only while there are no users", async () => {
    expect(await isSetupRequired()).toBe(true);
    await setupFirstAdmin({ username: "root", password: "correct horse" });
    expect(await isSetupRequired()).toBe(false);
    const err = await caught(setupFirstAdmin({ username: "second", password: "correct horse" }));
    expect(err.status).toBe(403);
  });

  it("creates exactly one admin when setups race", async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => setupFirstAdmin({ username: `admin${i}`, password: "correct horse" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const all = await listUsers();
    expect(all).toHaveLength(1);
    expect(all[0]!.role).toBe("admin");
  });

  it("validates with messages a person can act on, and writes nothing", async () => {
    const err = await caught(setupFirstAdmin({ username: "x", password: "short", email: "not-an-email" }));
    expect(err.status).toBe(400);
    expect(err.fieldErrors).toMatchObject({
      username: ["Username must be at least 3 characters"],
      password: ["Password must be at least 8 characters"],
      email: ["Enter a valid email address, like ada@example.com"],
    });
    expect(await isSetupRequired()).toBe(true);
  });
});

describe("users", () => {
  it("keeps usernames and emails unique ignoring case, and lower-cases emails", async () => {
    await createUser({ username: "Ada", email: "Ada@Example.com", password: "password123" });
    expect((await listUsers())[0]!.email).toBe("ada@example.com");
    expect((await caught(createUser({ username: "ada", password: "password123" }))).fieldErrors).toEqual({ username: ["This username is taken"] });
    expect((await caught(createUser({ username: "bob", email: "ADA@example.COM", password: "password123" }))).fieldErrors).toEqual({
      email: ["Another user already has this email"],
    });
  });

  it("needs a password in built-in mode", async () => {
    const err = await caught(createUser({ username: "nopass" }));
    expect(err.fieldErrors).toEqual({ password: ["Enter a password"] });
  });

  it("reports every invalid field at once, the missing password with the rest", async () => {
    // An empty form: the username's problems and the missing password in one answer.
    const err = await caught(createUser({ username: "", email: "not-an-email", password: "" }));
    expect(err.status).toBe(400);
    expect(Object.keys(err.fieldErrors ?? {}).sort()).toEqual(["email", "password", "username"]);
    expect(err.fieldErrors?.password).toEqual(["Enter a password"]);
    expect(err.fieldErrors?.username).toEqual(["Username must be at least 3 characters", "Username may use letters, digits and . _ @ + - only"]);
    expect(await listUsers()).toEqual([]);
  });

  it("sets, changes and clears an email", async () => {
    const u = await createUser({ username: "carol", password: "password123" });
    expect((await updateUser({ id: u.id, input: { email: " Carol@Example.com " } })).email).toBe("carol@example.com");
    expect((await updateUser({ id: u.id, input: { email: "" } })).email).toBeNull();
    expect((await caught(updateUser({ id: u.id, input: {} }))).status).toBe(400);
    expect((await caught(updateUser({ id: "not-a-uuid", input: { role: "user" } }))).status).toBe(404);
  });

  it("never removes or demotes the last admin", async () => {
    const admin = await setupFirstAdmin({ username: "root", password: "correct horse" });
    expect((await caught(updateUser({ id: admin.id, input: { role: "user" } }))).message).toMatch(/last admin cannot be demoted/);
    expect((await caught(deleteUser({ id: admin.id }))).message).toMatch(/last admin cannot be deleted/);
    const second = await createUser({ username: "deputy", password: "password123", role: "admin" });
    await updateUser({ id: admin.id, input: { role: "user" } });
    expect((await caught(deleteUser({ id: second.id }))).status).toBe(409);
  });

  it("keeps an admin when two admins demote each other at once", async () => {
    const a = await setupFirstAdmin({ username: "alpha", password: "correct horse" });
    const b = await createUser({ username: "bravo", password: "password123", role: "admin" });
    const results = await Promise.allSettled([updateUser({ id: a.id, input: { role: "user" } }), updateUser({ id: b.id, input: { role: "user" } })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await listUsers()).filter((u) => u.role === "admin")).toHaveLength(1);
  });

  it("ends every session on password reset, and signs in with the new password only", async () => {
    const u = await createUser({ username: "dave", password: "old-password" });
    const { token } = await createSession({ userId: u.id });
    expect(await validateSessionToken(token)).not.toBeNull();
    await resetPassword({ id: u.id, password: "new-password" });
    expect(await validateSessionToken(token)).toBeNull();
    expect((await caught(signInWithPassword({ username: "dave", password: "old-password" }, client))).message).toBe(BAD_CREDENTIALS);
    expect((await signInWithPassword({ username: "DAVE", password: "new-password" }, client)).user.username).toBe("dave");
  });

  it("says the same thing for an unknown user and a wrong password", async () => {
    await createUser({ username: "erin", password: "password123" });
    const unknown = await caught(signInWithPassword({ username: "nobody", password: "password123" }, client));
    const wrong = await caught(signInWithPassword({ username: "erin", password: "wrong-password" }, client));
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.status).toBe(401);
  });

  it("deletes a user with their sessions, keys, limits and spend counters (theirs and their keys'), and no one else's", async () => {
    const root = await setupFirstAdmin({ username: "root", password: "correct horse" });
    const u = await createUser({ username: "frank", password: "password123" });
    await createSession({ userId: u.id });
    const { key } = await createKey({ actor: { userId: u.id, role: "user" }, input: { name: "ci", budgetUsd: 5, budgetPeriod: "week" } });
    const { key: other } = await createKey({ actor: { userId: root.id, role: "admin" }, input: { name: "root's" } });
    await recordCallUsage({ keyId: key.id, userId: u.id, tokens: 10, costUsd: 0.5 });
    await recordCallUsage({ keyId: other.id, userId: root.id, tokens: 10, costUsd: 0.5 });
    const db = await getDb();
    const counters = async () => (await db.select({ subject: spendCounters.subject }).from(spendCounters)).map((r) => r.subject).sort();
    expect(await counters()).toEqual([`key:${key.id}`, `key:${other.id}`, `user:${root.id}`, `user:${u.id}`].sort());

    await deleteUser({ id: u.id });
    expect(await db.select().from(users).where(sql`${users.id} = ${u.id}`)).toHaveLength(0);
    expect(await db.select().from(sessions).where(sql`${sessions.userId} = ${u.id}`)).toHaveLength(0);
    expect(await db.select().from(virtualKeys).where(sql`${virtualKeys.userId} = ${u.id}`)).toHaveLength(0);
    expect(await db.select().from(spendLimits).where(sql`${spendLimits.virtualKeyId} = ${key.id}`)).toHaveLength(0);
    expect(await counters()).toEqual([`key:${other.id}`, `user:${root.id}`].sort());
  });

  it("keeps the spend counters when deleting a user is refused", async () => {
    const root = await setupFirstAdmin({ username: "root", password: "correct horse" });
    const { key } = await createKey({ actor: { userId: root.id, role: "admin" }, input: { name: "root's" } });
    await recordCallUsage({ keyId: key.id, userId: root.id, tokens: 10, costUsd: 0.5 });
    expect((await caught(deleteUser({ id: root.id }))).status).toBe(409);
    const db = await getDb();
    expect(await db.select({ subject: spendCounters.subject }).from(spendCounters)).toHaveLength(2);
  });

  it("links a service token's Client ID to one user only", async () => {
    const u = await createUser({ username: "robot", password: "password123" });
    const v = await createUser({ username: "robot2", password: "password123" });
    await linkServiceToken({ userId: u.id, clientId: "88bf3b6d86161464f6509f7219099e57.access" });
    expect((await caught(linkServiceToken({ userId: v.id, clientId: "88bf3b6d86161464f6509f7219099e57.access" }))).status).toBe(409);
    expect((await caught(linkServiceToken({ userId: v.id, clientId: "bad id!" }))).status).toBe(400);
    // Cloudflare's shape only: 32 hex characters, then .access; one message that shows it.
    for (const wrong of ["not-a-client-id", "88bf3b6d86161464f6509f7219099e5.access", "88bf3b6d86161464f6509f7219099e57", "88bf3b6d86161464f6509f7219099e5g.access", "88bf3b6d86161464f6509f7219099e57.access.evil"]) {
      const err = await caught(linkServiceToken({ userId: v.id, clientId: wrong }));
      expect(err.status, wrong).toBe(400);
      expect(err.fieldErrors?.clientId, wrong).toEqual([expect.stringContaining("32 hex characters then .access, like 88bf3b6d86161464f6509f7219099e57.access")]);
    }
    expect((await caught(linkServiceToken({ userId: v.id, clientId: "  " }))).fieldErrors?.clientId).toEqual(["Enter the service token's Client ID"]);
    // Pasted in capitals with spaces around, it is still the same token.
    const pasted = await linkServiceToken({ userId: v.id, clientId: " 0123456789ABCDEF0123456789ABCDEF.ACCESS " });
    expect(pasted.clientId).toBe("0123456789abcdef0123456789abcdef.access");
    expect((await listUsers()).find((x) => x.id === u.id)!.serviceTokens.map((t) => t.clientId)).toEqual(["88bf3b6d86161464f6509f7219099e57.access"]);
  });

  it("stores sessions by hash only", async () => {
    const u = await createUser({ username: "gina", password: "password123" });
    const { token } = await createSession({ userId: u.id });
    const db = await getDb();
    const rows = await db.select().from(sessions);
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows).toHaveLength(1);
  });
});

describe("sign-in limits", () => {
  it("stops guessing after 10 failures per username and client, even with the right password", async () => {
    await createUser({ username: "hank", password: "right-password" });
    for (let i = 0; i < 10; i++) expect((await caught(signInWithPassword({ username: "hank", password: `guess-${i}` }, client))).status).toBe(401);
    const blocked = await caught(signInWithPassword({ username: "HANK", password: "right-password" }, client));
    expect(blocked.status).toBe(429);
    expect(blocked.message).toMatch(/try again in 15 minutes/);
    // Another client address is not blocked by this one's failures.
    expect((await signInWithPassword({ username: "hank", password: "right-password" }, { address: "198.51.100.1" })).user.username).toBe("hank");
  });

  it("counts unknown usernames alike, so limits reveal nothing", async () => {
    for (let i = 0; i < 10; i++) await caught(signInWithPassword({ username: "ghost", password: "x" }, client));
    expect((await caught(signInWithPassword({ username: "ghost", password: "x" }, client))).status).toBe(429);
  });

  it("forgets a client's failures after it signs in", async () => {
    await createUser({ username: "ivy", password: "right-password" });
    for (let i = 0; i < 9; i++) await caught(signInWithPassword({ username: "ivy", password: "wrong" }, client));
    await signInWithPassword({ username: "ivy", password: "right-password" }, client);
    for (let i = 0; i < 9; i++) await caught(signInWithPassword({ username: "ivy", password: "wrong" }, client));
    expect((await signInWithPassword({ username: "ivy", password: "right-password" }, client)).user.username).toBe("ivy");
  });
});

describe("usernames and emails", () => {
  it("keep one namespace, so 'username or email' names one account", async () => {
    const bob = await createUser({ username: "bob", email: "bob@example.com", password: "bobs-password" });
    expect((await caught(createUser({ username: "bob@example.com", password: "password123" }))).fieldErrors).toEqual({ username: ["This username is another user's email"] });
    const carol = await createUser({ username: "carol", password: "password123" });
    expect((await caught(updateUser({ id: carol.id, input: { email: "BOB" } }))).status).toBe(400); // not an email at all
    await createUser({ username: "dan@example.com", password: "password123" });
    expect((await caught(updateUser({ id: carol.id, input: { email: "dan@example.com" } }))).fieldErrors).toEqual({ email: ["This email is another user's username"] });
    // A user may use their own email as username.
    await createUser({ username: "erin@example.com", email: "erin@example.com", password: "password123" });
    expect((await signInWithPassword({ username: "bob@example.com", password: "bobs-password" }, client)).user.id).toBe(bob.id);
  });
});

describe("create-admin (CLI)", () => {
  it("creates an admin, then backfills the email of the existing admin", async () => {
    expect((await ensureAdmin({ username: "ops", password: "password123" })).created).toBe(true);
    const again = await ensureAdmin({ username: "ops", password: "password123", email: "Ops@Example.com" });
    expect(again.created).toBe(false);
    expect(again.user.email).toBe("ops@example.com");
    await createUser({ username: "plain", password: "password123" });
    expect((await caught(ensureAdmin({ username: "plain", password: "password123" }))).message).toMatch(/not an admin/);
  });
});
