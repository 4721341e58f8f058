import { eq, or, sql } from "drizzle-orm";
import { executePrepared, getDb } from "@/lib/db/client";
import { spendCounters, spendLimits } from "@/lib/db/schema";
import { minuteStart, periodEnd, periodStart, secondsUntil, type BudgetPeriod } from "./periods";
import type { Limits } from "./schemas";

/**
 * Admission of gateway calls against budgets and rate limits (docs/gateway.md, "Budgets
 * and rate limits").
 *
 * - Limits (spend_limits) are cached per process for {@link LIMITS_CACHE_TTL_MS}; a change
 *   made through this process applies at once, through another within that time.
 * - Counters (spend_counters) live in the database, so every process on it counts together.
 *   A call whose key and user have no limits costs no database work here; otherwise one
 *   upsert by primary key counts it and reads the counts back (one indexed statement).
 * - The minute window is the UTC minute; budgets run per UTC day, ISO week or month.
 * - A call's tokens and cost are known only once it ends ({@link recordCallUsage}), so TPM
 *   and budgets stop the NEXT call once reached. Under concurrency they overshoot by what
 *   the calls already admitted spend; RPM is exact (the increment is atomic). The counters
 *   are written with the calls' log rows (within ~100 ms); until then this process counts
 *   a finished call's usage from memory ({@link addUnwrittenUsage}), so a client calling
 *   again right after a call ends meets the budget it spent. Another process sees it once
 *   written.
 */

/** How long a process trusts what it read of spend_limits, ms. */
export const LIMITS_CACHE_TTL_MS = 5_000;

export type LimitScope = "key" | "user";

/** Names of what refused a call, as written to request_logs.limit_refused: `key_rpm`, `user_budget_month`, … */
export type LimitName = `${LimitScope}_${"rpm" | "tpm" | `budget_${BudgetPeriod}`}`;

export interface Refusal {
  limit: LimitName;
  /** Seconds until the limit's window or period ends (the `retry-after` header). */
  retryAfterSeconds: number;
  /** For people: which limit, its size, and when it resets. */
  message: string;
}

interface Subject {
  scope: LimitScope;
  id: string;
  limits: Limits;
}

const cache = new Map<string, { limits: Limits | null; until: number }>();
const subjectKey = (scope: LimitScope, id: string) => `${scope}:${id}`;

/** Forgets cached limits of a subject (after changing them in this process). */
export function forgetCachedLimits(scope: LimitScope, id: string): void {
  cache.delete(subjectKey(scope, id));
}

/** Tokens and USD of calls that ended on this process and are not in spend_counters yet, per subject. */
const unwritten = new Map<string, { tokens: number; costUsd: number }>();

export interface CallUsage {
  keyId: string;
  userId: string;
  /** prompt + completion tokens */
  tokens: number;
  costUsd: number;
}

/** Counts a finished call's usage for its key and user until its counters are written ({@link removeUnwrittenUsage}). */
export function addUnwrittenUsage(u: CallUsage): void {
  for (const subject of [subjectKey("key", u.keyId), subjectKey("user", u.userId)]) {
    const sum = unwritten.get(subject) ?? { tokens: 0, costUsd: 0 };
    sum.tokens += u.tokens;
    sum.costUsd += u.costUsd;
    unwritten.set(subject, sum);
  }
}

/** Stops counting usage from memory once {@link recordCallUsage} wrote it (never below zero). */
export function removeUnwrittenUsage(u: CallUsage): void {
  for (const subject of [subjectKey("key", u.keyId), subjectKey("user", u.userId)]) {
    const sum = unwritten.get(subject);
    if (!sum) continue;
    sum.tokens -= u.tokens;
    sum.costUsd -= u.costUsd;
    if (sum.tokens <= 0 && sum.costUsd <= 1e-12) unwritten.delete(subject);
  }
}

const hasAny = (l: Limits) => l.budgetUsd !== null || l.requestsPerMinute !== null || l.tokensPerMinute !== null;

/** Maps a spend_limits row to {@link Limits}. */
export function limitsOfRow(row: typeof spendLimits.$inferSelect | undefined): Limits | null {
  if (!row) return null;
  return {
    budgetUsd: row.budgetUsd === null ? null : Number(row.budgetUsd),
    budgetPeriod: row.budgetUsd === null ? null : (row.budgetPeriod ?? "month"),
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
  };
}

/** The limited subjects among this key and its user: from the cache, else one lookup for both. */
async function limitedSubjects(keyId: string, userId: string, now: number): Promise<Subject[]> {
  const k = cache.get(subjectKey("key", keyId));
  const u = cache.get(subjectKey("user", userId));
  let keyLimits = k && k.until > now ? k.limits : undefined;
  let userLimits = u && u.until > now ? u.limits : undefined;
  if (keyLimits === undefined || userLimits === undefined) {
    const db = await getDb();
    const rows = await db.select().from(spendLimits).where(or(eq(spendLimits.virtualKeyId, keyId), eq(spendLimits.userId, userId)));
    keyLimits = limitsOfRow(rows.find((r) => r.virtualKeyId === keyId));
    userLimits = limitsOfRow(rows.find((r) => r.userId === userId));
    const until = now + LIMITS_CACHE_TTL_MS;
    cache.set(subjectKey("key", keyId), { limits: keyLimits, until });
    cache.set(subjectKey("user", userId), { limits: userLimits, until });
    if (cache.size > 20_000) cache.clear();
  }
  const out: Subject[] = [];
  if (keyLimits && hasAny(keyLimits)) out.push({ scope: "key", id: keyId, limits: keyLimits });
  if (userLimits && hasAny(userLimits)) out.push({ scope: "user", id: userId, limits: userLimits });
  return out;
}

const excluded = (column: string) => sql.raw(`excluded.${column}`);
const current = (column: string) => sql.raw(`"spend_counters"."${column}"`);
/** `<stored> + <new>` while the stored window is the current one (or newer), else `<new>`. */
const rolled = (startColumn: string, valueColumn: string, add: boolean) =>
  sql`case when ${excluded(startColumn)} <= ${current(startColumn)} then ${add ? sql`${current(valueColumn)} + ${excluded(valueColumn)}` : current(valueColumn)} else ${excluded(valueColumn)} end`;
const later = (startColumn: string) => sql`greatest(${current(startColumn)}, ${excluded(startColumn)})`;

function windows(now: Date) {
  return { minuteStart: minuteStart(now), dayStart: periodStart("day", now), weekStart: periodStart("week", now), monthStart: periodStart("month", now) };
}

/**
 * True when this process already knows (cached, within {@link LIMITS_CACHE_TTL_MS}) that
 * neither the key nor its user has any limit: {@link admitCall} would admit the call without
 * touching the database, and the gateway skips it (no promise, no lookup).
 */
export function knownUnlimited(keyId: string, userId: string, now = Date.now()): boolean {
  const k = cache.get(subjectKey("key", keyId));
  const u = cache.get(subjectKey("user", userId));
  return k !== undefined && u !== undefined && k.until > now && u.until > now && !(k.limits && hasAny(k.limits)) && !(u.limits && hasAny(u.limits));
}

/**
 * Decides whether a gateway call may go upstream, and counts it against the per-minute
 * request limits (refused calls count too: retrying early does not help).
 * @param now the clock (tests); defaults to the current time.
 * @returns null when the call may go ahead, else the first limit it hits (the key's
 *   before the user's; per subject: requests per minute, tokens per minute, budget).
 * @throws when the database cannot be reached (the gateway answers 500 then).
 */
export async function admitCall({ keyId, userId, now = new Date() }: { keyId: string; userId: string; now?: Date }): Promise<Refusal | null> {
  const subjects = await limitedSubjects(keyId, userId, now.getTime());
  if (subjects.length === 0) return null;
  const w = windows(now);
  const db = await getDb();
  const rows = await db
    .insert(spendCounters)
    .values(subjects.map((s) => ({ subject: subjectKey(s.scope, s.id), ...w, minuteRequests: 1 })))
    .onConflictDoUpdate({
      target: spendCounters.subject,
      set: {
        minuteRequests: sql`case when ${excluded("minute_start")} <= ${current("minute_start")} then ${current("minute_requests")} + 1 else 1 end`,
        minuteTokens: sql`case when ${excluded("minute_start")} <= ${current("minute_start")} then ${current("minute_tokens")} else 0 end`,
        minuteStart: later("minute_start"),
      },
    })
    .returning();
  for (const s of subjects) {
    const row = rows.find((r) => r.subject === subjectKey(s.scope, s.id));
    if (!row) continue;
    const nextMinute = new Date(w.minuteStart.getTime() + 60_000);
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, budgetUsd, budgetPeriod } = s.limits;
    const who = s.scope === "key" ? "this virtual key" : "this key's user";
    if (rpm !== null && row.minuteRequests > rpm) {
      return { limit: `${s.scope}_rpm`, retryAfterSeconds: secondsUntil(nextMinute, now), message: `Rate limit reached: ${who} may make ${rpm} requests per minute` };
    }
    const notYet = unwritten.get(subjectKey(s.scope, s.id));
    const minuteTokens = (row.minuteStart.getTime() >= w.minuteStart.getTime() ? row.minuteTokens : 0) + Math.max(0, notYet?.tokens ?? 0);
    if (tpm !== null && minuteTokens >= tpm) {
      return { limit: `${s.scope}_tpm`, retryAfterSeconds: secondsUntil(nextMinute, now), message: `Rate limit reached: ${who} may use ${tpm} tokens per minute` };
    }
    if (budgetUsd !== null && budgetPeriod !== null) {
      const spent = spentIn(row, budgetPeriod, now) + Math.max(0, notYet?.costUsd ?? 0);
      if (spent >= budgetUsd) {
        const resets = periodEnd(budgetPeriod, now);
        return {
          limit: `${s.scope}_budget_${budgetPeriod}`,
          retryAfterSeconds: secondsUntil(resets, now),
          message: `Budget spent: ${who} has a budget of $${budgetUsd} per ${budgetPeriod} (UTC); it resets at ${resets.toISOString()}`,
        };
      }
    }
  }
  return null;
}

/** USD spent in the current `period` according to a counters row (0 when the row is from an earlier period). */
export function spentIn(row: typeof spendCounters.$inferSelect, period: BudgetPeriod, now: Date): number {
  const start = periodStart(period, now).getTime();
  const [at, cost] = period === "day" ? [row.dayStart, row.dayCostUsd] : period === "week" ? [row.weekStart, row.weekCostUsd] : [row.monthStart, row.monthCostUsd];
  return at.getTime() >= start ? Number(cost) : 0;
}

/**
 * Adds a finished call's tokens (prompt + completion) and cost (USD) to its key's and its
 * user's counters: this minute's tokens and this day's, week's and month's spend. Written
 * for every call, limited or not, so a budget set later starts from the true spend.
 * One upsert by primary key; call it after the call's log row, off the response path.
 */
export async function recordCallUsage({
  keyId,
  userId,
  tokens,
  costUsd,
  now = new Date(),
}: {
  keyId: string;
  userId: string;
  tokens: number | null;
  costUsd: number | null;
  now?: Date;
}): Promise<void> {
  const t = tokens !== null && Number.isFinite(tokens) && tokens > 0 ? Math.min(Math.round(tokens), 1e12) : 0;
  const c = costUsd !== null && Number.isFinite(costUsd) && costUsd > 0 && costUsd < 1e6 ? costUsd.toFixed(8) : "0";
  const w = windows(now);
  const values = { ...w, minuteRequests: 0, minuteTokens: t, dayCostUsd: c, weekCostUsd: c, monthCostUsd: c };
  const db = await getDb();
  await executePrepared(
    db
      .insert(spendCounters)
      .values([
        { subject: subjectKey("key", keyId), ...values },
        { subject: subjectKey("user", userId), ...values },
      ])
      .onConflictDoUpdate({
        target: spendCounters.subject,
        set: {
          minuteTokens: rolled("minute_start", "minute_tokens", true),
          minuteRequests: sql`case when ${excluded("minute_start")} <= ${current("minute_start")} then ${current("minute_requests")} else 0 end`,
          minuteStart: later("minute_start"),
          dayCostUsd: rolled("day_start", "day_cost_usd", true),
          dayStart: later("day_start"),
          weekCostUsd: rolled("week_start", "week_cost_usd", true),
          weekStart: later("week_start"),
          monthCostUsd: rolled("month_start", "month_cost_usd", true),
          monthStart: later("month_start"),
        },
      }),
  );
}
