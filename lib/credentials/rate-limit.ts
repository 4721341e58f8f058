import { inArray, sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { rateLimits } from "@/lib/db/schema";

/**
 * Fixed-window counters in the database, so every replica counts together.
 * Used to slow password guessing: see {@link signInLimits}.
 */
export interface Limit {
  key: string;
  /** attempts allowed per window */
  max: number;
  /** window length, ms */
  windowMs: number;
}

/**
 * The first limit already used up, with the ms until its window ends; or null.
 */
export async function exceededLimit(limits: Limit[]): Promise<{ limit: Limit; retryAfterMs: number } | null> {
  const db = await getDb();
  const rows = await db.select().from(rateLimits).where(inArray(rateLimits.key, limits.map((l) => l.key)));
  const now = Date.now();
  for (const limit of limits) {
    const row = rows.find((r) => r.key === limit.key);
    if (!row) continue;
    const ends = row.windowStart.getTime() + limit.windowMs;
    if (ends > now && row.count >= limit.max) return { limit, retryAfterMs: ends - now };
  }
  return null;
}

/** Counts one more attempt against each limit (one atomic upsert each). */
export async function countAttempt(limits: Limit[]): Promise<void> {
  const db = await getDb();
  for (const limit of limits) {
    const expired = sql`${rateLimits.windowStart} < now() - make_interval(secs => ${limit.windowMs / 1000})`;
    await db
      .insert(rateLimits)
      .values({ key: limit.key, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
          windowStart: sql`case when ${expired} then now() else ${rateLimits.windowStart} end`,
        },
      });
  }
}

/** Forgets the counters (e.g. after a successful sign-in). */
export async function clearAttempts(keys: string[]): Promise<void> {
  const db = await getDb();
  await db.delete(rateLimits).where(inArray(rateLimits.key, keys));
}

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Failed sign-ins allowed per 15 minutes: 10 per username from one client address, 50 per
 * username from anywhere (a distributed guess is slowed too; the price is that a flood
 * against one username can hold its owner off for up to 15 minutes).
 */
export function signInLimits(username: string, clientAddress: string): Limit[] {
  const name = username.trim().toLowerCase();
  return [
    { key: `sign-in:${clientAddress}:${name}`, max: 10, windowMs: FIFTEEN_MINUTES },
    { key: `sign-in:*:${name}`, max: 50, windowMs: FIFTEEN_MINUTES },
  ];
}

/**
 * Passkey sign-in options a client address may ask for per minute. Each one stores a
 * challenge row (lib/credentials/challenges.ts) without any sign-in, so an unbounded
 * caller could fill the table; 30 a minute is far above what a person pressing the button
 * needs. Counted on every request, not only on failures.
 */
export function passkeyOptionsLimit(clientAddress: string): Limit {
  return { key: `passkey-options:${clientAddress}`, max: 30, windowMs: 60_000 };
}
