/**
 * UTC calendar periods for budgets and the per-minute window of rate limits. Weeks are
 * ISO weeks (from Monday 00:00 UTC), as PostgreSQL's `date_trunc('week', …)`.
 */
export type BudgetPeriod = "day" | "week" | "month";
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ["day", "week", "month"];

/** Start of the UTC minute holding `now`. */
export function minuteStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/** Start of the UTC day, ISO week or month holding `now`. */
export function periodStart(period: BudgetPeriod, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (period === "day") return new Date(Date.UTC(y, m, d));
  if (period === "month") return new Date(Date.UTC(y, m, 1));
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(y, m, d - sinceMonday));
}

/** Start of the next period after the one holding `now` (when a spent budget is available again). */
export function periodEnd(period: BudgetPeriod, now: Date): Date {
  const start = periodStart(period, now);
  if (period === "day") return new Date(start.getTime() + 86_400_000);
  if (period === "week") return new Date(start.getTime() + 7 * 86_400_000);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** Whole seconds from `now` until `at`, at least 1 (for `retry-after`). */
export function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}
