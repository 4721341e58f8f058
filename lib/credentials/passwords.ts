import { hash, verify } from "@node-rs/argon2";
import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { AppError, parseOrThrow } from "@/lib/errors";
import { assertBuiltInSignIn } from "./built-in-mode";
import { changeCredentials } from "./changes";
import { clearAttempts, countAttempt, exceededLimit, type Limit } from "./rate-limit";
import { changePasswordSchema } from "./schemas";
import { endUserSessions } from "./sessions";

// argon2id with OWASP's minimum profile (19 MiB, t=2, p=1):
// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the user does not exist, so a wrong username costs as much as a wrong password.
let dummyHash: Promise<string> | null = null;

/**
 * Checks a password against a stored hash; `null` hash (unknown user, or a
 * Cloudflare-only user) still spends one verification and returns false.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword("gatehouse-timing-equaliser");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/**
 * Stores a new password hash and ends the user's sessions, inside the caller's
 * `changeCredentials` transaction, so the two commit together or not at all
 * (documenso's password update has the same shape).
 * @param keepSessionId the session that asked for the change, kept signed in
 * @returns whether the user exists, and how many sessions ended.
 */
export async function storePasswordHash(tx: Db, { userId, passwordHash, keepSessionId }: { userId: string; passwordHash: string; keepSessionId?: string }): Promise<{ found: boolean; endedSessions: number }> {
  const [row] = await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ id: users.id });
  if (!row) return { found: false, endedSessions: 0 };
  return { found: true, endedSessions: await endUserSessions(tx, { userId, except: keepSessionId }) };
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** Wrong current passwords allowed per user per 15 minutes: a borrowed session must not become a password oracle. */
function changeLimits(userId: string): Limit[] {
  return [{ key: `password-change:${userId}`, max: 10, windowMs: FIFTEEN_MINUTES }];
}

/**
 * Changes the signed-in user's own password. Needs the current one; ends every other
 * session of the user and keeps `sessionId` (the one asking). Built-in mode only.
 * @param input `{ currentPassword, newPassword }` as submitted (validated here)
 * @returns how many other sessions ended.
 * @throws {AppError} forbidden (Cloudflare Access mode; a user without a password),
 *   validation (field errors; a wrong current password is one, on `currentPassword`),
 *   rate_limited (too many wrong current passwords), not_found (the user is gone).
 */
export async function changeOwnPassword({ userId, sessionId, input }: { userId: string; sessionId?: string; input: unknown }): Promise<{ endedSessions: number }> {
  assertBuiltInSignIn("Changing your password here");
  const { currentPassword, newPassword } = parseOrThrow(changePasswordSchema, input);
  const limits = changeLimits(userId);
  const blocked = await exceededLimit(limits);
  if (blocked) {
    const minutes = Math.ceil(blocked.retryAfterMs / 60_000);
    throw new AppError("rate_limited", `Too many wrong current passwords; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`);
  }
  const db = await getDb();
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new AppError("not_found", "No such user");
  if (!user.passwordHash) throw new AppError("forbidden", "You have no password yet; an admin can set your first one on the Users page");
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    await countAttempt(limits);
    const message = "This is not your current password";
    throw new AppError("validation", message, { currentPassword: [message] });
  }
  await clearAttempts(limits.map((l) => l.key));
  const passwordHash = await hashPassword(newPassword);
  const result = await changeCredentials((tx) => storePasswordHash(tx, { userId, passwordHash, keepSessionId: sessionId }));
  if (!result.found) throw new AppError("not_found", "No such user");
  return { endedSessions: result.endedSessions };
}
