import { and, count, eq, gt, inArray, or, sql } from "drizzle-orm";
import { asUuid } from "@/lib/db/ids";
import { users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getDb } from "@/lib/db/client";
import { requestLogs, spendCounters, spendLimits, virtualKeys } from "@/lib/db/schema";
import { forgetCachedLimits, limitsOfRow, spentIn, type LimitScope } from "./admission";
import type { BudgetPeriod } from "./periods";
import { limitsPatch, NO_LIMITS, type Limits } from "./schemas";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** The limits of a key or user; {@link NO_LIMITS} when none are set. */
export async function getLimits({ scope, id }: { scope: LimitScope; id: string }): Promise<Limits> {
  const db = await getDb();
  const [row] = await db.select().from(spendLimits).where(scope === "key" ? eq(spendLimits.virtualKeyId, id) : eq(spendLimits.userId, id));
  return limitsOfRow(row) ?? NO_LIMITS;
}

/** Limits of many keys or users at once, by id (absent = none). */
export async function getLimitsOf({ scope, ids }: { scope: LimitScope; ids: string[] }): Promise<Map<string, Limits>> {
  if (ids.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.select().from(spendLimits).where(scope === "key" ? inArray(spendLimits.virtualKeyId, ids) : inArray(spendLimits.userId, ids));
  return new Map(rows.map((r) => [(scope === "key" ? r.virtualKeyId : r.userId)!, limitsOfRow(r)!]));
}

/**
 * Sets (replaces) the limits of a key or user; all-null limits remove the row. Pass `tx`
 * to make it part of a larger change. This process forgets its cached copy at once; other
 * processes within LIMITS_CACHE_TTL_MS.
 */
export async function setLimits({ scope, id, limits, tx }: { scope: LimitScope; id: string; limits: Limits; tx?: Tx }): Promise<void> {
  const db = tx ?? (await getDb());
  const where = scope === "key" ? eq(spendLimits.virtualKeyId, id) : eq(spendLimits.userId, id);
  const empty = limits.budgetUsd === null && limits.requestsPerMinute === null && limits.tokensPerMinute === null;
  await db.delete(spendLimits).where(where);
  if (!empty) {
    await db.insert(spendLimits).values({
      ...(scope === "key" ? { virtualKeyId: id } : { userId: id }),
      budgetUsd: limits.budgetUsd === null ? null : String(limits.budgetUsd),
      budgetPeriod: limits.budgetUsd === null ? null : (limits.budgetPeriod ?? "month"),
      requestsPerMinute: limits.requestsPerMinute,
      tokensPerMinute: limits.tokensPerMinute,
      updatedAt: new Date(),
    });
  }
  forgetCachedLimits(scope, id);
}

/**
 * Deletes the spend counters of a user and of each of their virtual keys. spend_counters
 * names its subject in text (`user:<id>`, `key:<id>`), so no foreign key cascades them:
 * call this in the transaction that deletes the user, before the delete (while the keys
 * are still there). Keys themselves are only revoked, never deleted, so they need no call.
 */
export async function deleteSpendCountersOfUser(db: Db | Tx, userId: string): Promise<void> {
  const id = asUuid(userId);
  await db
    .delete(spendCounters)
    .where(or(eq(spendCounters.subject, `user:${id}`), sql`${spendCounters.subject} in (select 'key:' || ${virtualKeys.id}::text from ${virtualKeys} where ${virtualKeys.userId} = ${id})`));
}

/** Spend of a key or user in the current period, for showing against its budget. */
export interface SpendNow {
  /** The budget's period, or `month` when there is no budget. */
  period: BudgetPeriod;
  /** USD spent since the period began (UTC). */
  spentUsd: number;
  /** Gateway calls logged in the last 60 seconds (refused ones included). */
  requestsLastMinute: number;
}

/**
 * Current spend and last-minute calls of each key (scope `key`) or user, by id. Spend
 * comes from the shared counters; requests from request_logs (indexed by key/user and time).
 */
export async function getSpendNow({ scope, ids, periods, now = new Date() }: { scope: LimitScope; ids: string[]; periods: Map<string, BudgetPeriod>; now?: Date }): Promise<Map<string, SpendNow>> {
  const out = new Map<string, SpendNow>();
  if (ids.length === 0) return out;
  const db = await getDb();
  const column = scope === "key" ? requestLogs.virtualKeyId : requestLogs.userId;
  const [counters, recent] = await Promise.all([
    db.select().from(spendCounters).where(inArray(spendCounters.subject, ids.map((id) => `${scope}:${id}`))),
    db
      .select({ id: column, n: count() })
      .from(requestLogs)
      .where(and(inArray(column, ids), gt(requestLogs.createdAt, new Date(now.getTime() - 60_000))))
      .groupBy(column),
  ]);
  for (const id of ids) {
    const period = periods.get(id) ?? "month";
    const row = counters.find((c) => c.subject === `${scope}:${id}`);
    out.set(id, { period, spentUsd: row ? spentIn(row, period, now) : 0, requestsLastMinute: Number(recent.find((r) => r.id === id)?.n ?? 0) });
  }
  return out;
}



/**
 * Sets a user's limits (the fields given; the rest stay), which hold across all of the
 * user's keys. Admins only: the caller checks.
 * @returns the user's limits after the change.
 * @throws {AppError} validation per field; not_found for an unknown user.
 */
export async function updateUserLimits({ id, input }: { id: string; input: unknown }): Promise<Limits> {
  const userId = asUuid(id);
  const db = await getDb();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw new AppError("not_found", "No such user");
  const limits = limitsPatch(input, await getLimits({ scope: "user", id: userId }));
  if (limits) await setLimits({ scope: "user", id: userId, limits });
  return limits ?? (await getLimits({ scope: "user", id: userId }));
}
