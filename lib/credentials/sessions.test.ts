import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { resolvePrincipal, type Resolution } from "@/lib/auth/principal";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { sessions, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createUser, resetPassword } from "@/lib/users/queries";
import { cachedUser, invalidatePrincipals } from "./cache";
import { changeCredentials } from "./changes";
import { changeOwnPassword } from "./passwords";
import { endSession, listSessions, SESSION_COOKIE } from "./sessions";

// Sessions and passwords as the Account page uses them, in built-in mode, on a real database.
const client = { address: "198.51.100.4" };

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table users, sessions, rate_limits cascade`);
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError");
}

/** A user signed in from `devices` browsers; returns the tokens and session ids. */
async function signedIn(devices: number) {
  const user = await createUser({ username: `u${Math.random().toString(36).slice(2, 8)}`, password: "old-password" });
  const list = [];
  for (let i = 0; i < devices; i++) {
    const s = await signInWithPassword({ username: user.username, password: "old-password" }, { ...client, userAgent: `device-${i}` });
    list.push({ token: s.token, sessionId: (await listSessions({ userId: user.id })).find((x) => x.userAgent === `device-${i}`)!.id });
  }
  return { user, sessions: list };
}

const resolveToken = (token: string): Promise<Resolution> =>
  resolvePrincipal({ headers: new Headers(), cookies: { get: (name) => (name === SESSION_COOKIE ? { value: token } : undefined) } });

describe("changing your own password", () => {
  it("needs the current password; a wrong one changes nothing", async () => {
    const { user, sessions: [me, other] } = await signedIn(2);
    const err = await refusal(changeOwnPassword({ userId: user.id, sessionId: me!.sessionId, input: { currentPassword: "not-it", newPassword: "new-password" } }));
    expect(err.status).toBe(400);
    expect(err.fieldErrors).toEqual({ currentPassword: ["This is not your current password"] });
    expect((await resolveToken(other!.token)).ok).toBe(true);
    await signInWithPassword({ username: user.username, password: "old-password" }, client);
  });

  it("ends your other sessions, keeps this one, and the new password is the one that works", async () => {
    const { user, sessions: [me, second, third] } = await signedIn(3);
    const bystander = await signedIn(1);
    for (const s of [me!, second!, third!]) expect((await resolveToken(s.token)).ok).toBe(true); // now cached

    expect(await changeOwnPassword({ userId: user.id, sessionId: me!.sessionId, input: { currentPassword: "old-password", newPassword: "new-password" } })).toEqual({ endedSessions: 2 });
    expect((await resolveToken(me!.token)).ok).toBe(true);
    expect((await resolveToken(second!.token)).ok).toBe(false); // at once, not after the cache's 5 s
    expect((await resolveToken(third!.token)).ok).toBe(false);
    expect((await resolveToken(bystander.sessions[0]!.token)).ok).toBe(true);
    expect((await listSessions({ userId: user.id })).map((s) => s.id)).toEqual([me!.sessionId]);

    expect((await refusal(signInWithPassword({ username: user.username, password: "old-password" }, client))).status).toBe(401);
    await signInWithPassword({ username: user.username, password: "new-password" }, client);
  });

  it("validates the new password, and slows down guessing the current one", async () => {
    const { user, sessions: [me] } = await signedIn(1);
    const change = (currentPassword: string, newPassword: string) => changeOwnPassword({ userId: user.id, sessionId: me!.sessionId, input: { currentPassword, newPassword } });
    expect((await refusal(change("old-password", "short"))).fieldErrors).toEqual({ newPassword: ["Password must be at least 8 characters"] });
    expect((await refusal(change("old-password", "old-password"))).fieldErrors).toEqual({ newPassword: ["Choose a password different from your current one"] });
    expect((await refusal(change("", "new-password"))).fieldErrors).toEqual({ currentPassword: ["Enter your current password"] });
    for (let i = 0; i < 10; i++) expect((await refusal(change(`guess-${i}`, "new-password"))).status).toBe(400);
    const limited = await refusal(change("old-password", "new-password"));
    expect(limited.status).toBe(429);
    expect(limited.message).toMatch(/try again in 15 minutes/);
  });
});

describe("an admin resetting a password", () => {
  it("is for someone else's: their sessions all end; their own is refused", async () => {
    const admin = await createUser({ username: "boss", password: "password123", role: "admin" });
    const { user, sessions: [theirs] } = await signedIn(1);
    expect((await refusal(resetPassword({ id: admin.id, password: "new-password", by: admin.id }))).status).toBe(403);
    await resetPassword({ id: user.id, password: "new-password", by: admin.id });
    expect((await resolveToken(theirs!.token)).ok).toBe(false);
  });
});

describe("your sessions", () => {
  it("lists yours with the current one marked, and ends one so it is refused at once", async () => {
    const { user, sessions: [me, other] } = await signedIn(2);
    const list = await listSessions({ userId: user.id, currentSessionId: me!.sessionId });
    expect(list.map((s) => [s.userAgent, s.current])).toEqual(expect.arrayContaining([["device-0", true], ["device-1", false]]));
    expect(list[0]).toMatchObject({ createdAt: expect.any(String), lastSeenAt: expect.any(String), expiresAt: expect.any(String) });

    expect((await resolveToken(other!.token)).ok).toBe(true);
    await endSession({ userId: user.id, sessionId: other!.sessionId });
    expect(await resolveToken(other!.token)).toMatchObject({ ok: false, status: 401 });
    expect((await resolveToken(me!.token)).ok).toBe(true);
  });

  it("never ends someone else's session", async () => {
    const alice = await signedIn(1);
    const bob = await signedIn(1);
    expect((await refusal(endSession({ userId: bob.user.id, sessionId: alice.sessions[0]!.sessionId }))).status).toBe(404);
    expect((await refusal(endSession({ userId: bob.user.id, sessionId: "not-a-session-id" }))).status).toBe(404);
    expect((await resolveToken(alice.sessions[0]!.token)).ok).toBe(true);
  });

  it("leaves expired sessions out", async () => {
    const { user, sessions: [s] } = await signedIn(1);
    await (await getDb()).update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, s!.sessionId));
    expect(await listSessions({ userId: user.id })).toEqual([]);
  });
});

describe("the principal cache and the one write path", () => {
  it("does not remember an answer loaded while a credential write landed", async () => {
    let release!: () => void;
    const loading = cachedUser("k:race", async () => {
      await new Promise<void>((r) => (release = r));
      return { id: "stale", username: "stale", email: null, role: "user", lastLoginAt: null };
    });
    await new Promise((r) => setTimeout(r, 10));
    invalidatePrincipals();
    release();
    expect((await loading)?.id).toBe("stale");
    expect((await cachedUser("k:race", async () => ({ id: "fresh", username: "fresh", email: null, role: "user", lastLoginAt: null })))?.id).toBe("fresh");
  });

  it("rolls the whole change back when any part fails", async () => {
    const { user, sessions: [s] } = await signedIn(1);
    await expect(
      changeCredentials(async (tx) => {
        await tx.update(users).set({ passwordHash: "x" }).where(eq(users.id, user.id));
        await tx.delete(sessions).where(eq(sessions.userId, user.id));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await resolveToken(s!.token)).ok).toBe(true);
    await signInWithPassword({ username: user.username, password: "old-password" }, client);
  });
});
