import { eq, lt, sql } from "drizzle-orm";
import { randomToken } from "@/lib/crypto/tokens";
import { getDb } from "@/lib/db/client";
import { webauthnChallenges } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

/** How long a ceremony may take between its two steps, ms. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengePurpose = "registration" | "authentication";

/**
 * A fresh WebAuthn challenge (32 random bytes, base64url), stored for {@link CHALLENGE_TTL_MS}.
 * Expiry uses the database clock, so replicas with skewed clocks agree. Expired rows are
 * swept on the way (indexed; usually nothing).
 * @param userId registration: the signed-in user the new passkey will belong to
 */
export async function issueChallenge({ purpose, userId }: { purpose: ChallengePurpose; userId?: string }): Promise<string> {
  const db = await getDb();
  const challenge = randomToken(32);
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, sql`now()`));
  await db.insert(webauthnChallenges).values({
    challenge,
    purpose,
    userId: userId ?? null,
    expiresAt: sql`now() + make_interval(secs => ${CHALLENGE_TTL_MS / 1000})`,
  });
  return challenge;
}

/**
 * Takes a challenge out of the store: single use, whatever happens next (a failed
 * verification still burns it). The one atomic `DELETE … RETURNING` means two replicas
 * racing with the same response cannot both get it.
 * @param userId registration: must be the user the challenge was issued to
 * @throws {AppError} validation — unknown or already used, expired, or issued for another
 *   purpose or user — with a message that says to start again.
 */
export async function consumeChallenge({ challenge, purpose, userId }: { challenge: string; purpose: ChallengePurpose; userId?: string }): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new AppError("validation", "This passkey response does not answer a Gatehouse challenge; start again");
  const db = await getDb();
  const [row] = await db
    .delete(webauthnChallenges)
    .where(eq(webauthnChallenges.challenge, challenge))
    .returning({ purpose: webauthnChallenges.purpose, userId: webauthnChallenges.userId, live: sql<boolean>`${webauthnChallenges.expiresAt} > now()` });
  if (!row) throw new AppError("validation", "This passkey request was already used or is unknown; start again");
  if (!row.live) throw new AppError("validation", "This passkey request expired (they last 5 minutes); start again");
  if (row.purpose !== purpose || (row.userId ?? undefined) !== userId) {
    throw new AppError("validation", "This passkey response answers a different request; start again");
  }
}
