import { and, eq, gt, lt } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { randomToken, sha256Hex } from "@/lib/crypto/tokens";
import { getDb } from "@/lib/db/client";
import { sessions, users, type User } from "@/lib/db/schema";
import { invalidatePrincipals } from "./principal-cache";

/**
 * Built-in sessions, in the shape of Lucia's session guide
 * (https://lucia-auth.com/sessions/basic): the cookie holds a 256-bit random token,
 * the database holds only its SHA-256, so a leaked table opens nothing.
 */
export const SESSION_COOKIE = "gatehouse_session";

export interface SessionUser {
  sessionId: string;
  expiresAt: Date;
  user: Pick<User, "id" | "username" | "email" | "role" | "lastLoginAt">;
}

/**
 * Starts a session for a user.
 * @returns the cookie token (shown to nobody else, stored nowhere) and its expiry.
 */
export async function createSession({ userId, userAgent }: { userId: string; userAgent?: string | null }): Promise<{ token: string; expiresAt: Date }> {
  const db = await getDb();
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + getConfig().sessionTtlMs);
  await db.insert(sessions).values({ id: sha256Hex(token), userId, expiresAt, userAgent: userAgent?.slice(0, 300) ?? null });
  return { token, expiresAt };
}

/**
 * Looks a cookie token up. Expired sessions are deleted and yield `null`.
 * A session past half its lifetime is extended (sliding expiry, one write per half-life).
 */
export async function validateSessionToken(token: string): Promise<SessionUser | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const db = await getDb();
  const id = sha256Hex(token);
  const [row] = await db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      id: users.id,
      username: users.username,
      email: users.email,
      role: users.role,
      lastLoginAt: users.lastLoginAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  let expiresAt = row.expiresAt;
  const ttl = getConfig().sessionTtlMs;
  if (expiresAt.getTime() - now < ttl / 2) {
    expiresAt = new Date(now + ttl);
    await db.update(sessions).set({ expiresAt }).where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date(now))));
  }
  const { sessionId, id: userId, username, email, role, lastLoginAt } = row;
  return { sessionId, expiresAt, user: { id: userId, username, email, role, lastLoginAt } };
}

/** Ends one session (logout). */
export async function invalidateSession(sessionId: string): Promise<void> {
  const db = await getDb();
  await db.delete(sessions).where(eq(sessions.id, sessionId));
  invalidatePrincipals();
}

/** Ends every session of a user (password reset, deletion). */
export async function invalidateUserSessions(userId: string): Promise<void> {
  const db = await getDb();
  await db.delete(sessions).where(eq(sessions.userId, userId));
  invalidatePrincipals();
}

/** Removes expired rows; safe to call from any replica at any time. */
export async function deleteExpiredSessions(): Promise<void> {
  const db = await getDb();
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}

/** The token's session id, for callers holding a token (logout). */
export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}
