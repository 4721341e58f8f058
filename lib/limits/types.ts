/** Plain shapes of lib/limits, safe for client components (no zod, no database). */
import type { BudgetPeriod } from "./periods";

/** Budget and rate limits of a key or a user; null = no such limit. */
export interface Limits {
  /** USD per `budgetPeriod`. */
  budgetUsd: number | null;
  /** UTC day, ISO week or month; set whenever `budgetUsd` is. */
  budgetPeriod: BudgetPeriod | null;
  /** Calls per UTC minute. */
  requestsPerMinute: number | null;
  /** Prompt + completion tokens per UTC minute. */
  tokensPerMinute: number | null;
}

export const NO_LIMITS: Limits = { budgetUsd: null, budgetPeriod: null, requestsPerMinute: null, tokensPerMinute: null };
