import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { randomToken, sha256Hex } from "@/lib/crypto/tokens";
import { getDb, type Db } from "@/lib/db/client";
import { sessions, users, type User } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { changeCredentials } from "./changes";

/**
 * Built-in sessions, in the shape of Lucia's session guide
 * (https://lucia-auth.com/sessions/basic): the cookie holds a 256-bit random token,
 * the database holds only its SHA-256 (the session id), so a leaked table opens nothing.
 */
export const SESSION_COOKIE = "gatehouse_session";

/** How often "last seen" is written for an active session, ms. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * The user columns a principal is built from: a session's user here, and the Cloudflare
 * Access lookups in lib/users (by email, by service token).
 */
export const principalUserColumns = { id: users.id, username: users.username, email: users.email, role: users.role, lastLoginAt: users.lastLoginAt };

export interface SessionUser {
  sessionId: string;
  expiresAt: Date;
  user: Pick<User, "id" | "username" | "email" | "role" | "lastLoginAt">;
}

/** A session as its owner sees it on the Account page. */
export interface SessionDTO {
  /** The session id (SHA-256 of the cookie token: useless as a cookie). */
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

const SESSION_ID = /^[0-9a-f]{64}$/;

/** The token's session id, for callers holding a token (logout). */
export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}

/**
 * Starts a session for a user (a new row; nothing cached can be stale, so no invalidation).
 * @param tx run inside a caller's transaction, e.g. sign-in that also updates a passkey
 * @returns the cookie token (shown to nobody else, stored nowhere), its session id and expiry.
 */
export async function createSession(
  { userId, userAgent }: { userId: string; userAgent?: string | null },
  tx?: Db,
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const db = tx ?? (await getDb());
  const token = randomToken(32);
  const sessionId = sessionIdOf(token);
  const expiresAt = new Date(Date.now() + getConfig().sessionTtlMs);
  await db.insert(sessions).values({ id: sessionId, userId, expiresAt, userAgent: userAgent?.slice(0, 300) ?? null });
  return { token, sessionId, expiresAt };
}

/**
 * Looks a cookie token up. Expired sessions are deleted and yield `null`.
 * A session past half its lifetime is extended (sliding expiry, one write per half-life);
 * "last seen" is written at most once a minute, in the same statement.
 */
export async function validateSessionToken(token: string): Promise<SessionUser | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const db = await getDb();
  const id = sessionIdOf(token);
  const [row] = await db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      user: principalUserColumns,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    // Expiry ends a session like logout does, but nothing cached can outlive its expiry
    // (see cache.ts), so this delete needs no invalidation.
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  const ttl = getConfig().sessionTtlMs;
  const extend = row.expiresAt.getTime() - now < ttl / 2;
  const seen = now - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS;
  let expiresAt = row.expiresAt;
  if (extend || seen) {
    const set: Partial<typeof sessions.$inferInsert> = { lastSeenAt: new Date(now) };
    if (extend) set.expiresAt = expiresAt = new Date(now + ttl);
    await db.update(sessions).set(set).where(eq(sessions.id, id));
  }
  return { sessionId: row.sessionId, expiresAt, user: row.user };
}

/** A user's unexpired sessions, most recently seen first; `currentSessionId` is marked. */
export async function listSessions({ userId, currentSessionId }: { userId: string; currentSessionId?: string }): Promise<SessionDTO[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} > now()`))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    userAgent: s.userAgent,
    current: s.id === currentSessionId,
  }));
}

/**
 * Ends one of the user's own sessions (Account page). The browser holding it is signed
 * out at its next request, on any replica.
 * @throws {AppError} not_found when the session is not one of the user's (or already ended).
 */
export async function endSession({ userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) throw new AppError("not_found", "No such session");
  const ended = await changeCredentials((tx) => tx.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).returning({ id: sessions.id }));
  if (ended.length === 0) throw new AppError("not_found", "No such session; it may have ended already");
}

/** Ends the session a cookie token belongs to (sign-out; a no-op for unknown tokens). */
export async function endSessionByToken(token: string | undefined): Promise<void> {
  if (!token) return;
  await changeCredentials((tx) => tx.delete(sessions).where(eq(sessions.id, sessionIdOf(token))));
}

/**
 * Ends a user's sessions inside a caller's `changeCredentials` transaction (a password
 * change or reset: the new password and the purge commit together, or neither does).
 * @param except a session to keep (the one changing its own password)
 * @returns how many sessions ended.
 */
export async function endUserSessions(tx: Db, { userId, except }: { userId: string; except?: string }): Promise<number> {
  const where = except ? and(eq(sessions.userId, userId), ne(sessions.id, except)) : eq(sessions.userId, userId);
  return (await tx.delete(sessions).where(where).returning({ id: sessions.id })).length;
}

/** Removes expired rows; safe to call from any replica at any time. */
export async function deleteExpiredSessions(): Promise<void> {
  const db = await getDb();
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}
