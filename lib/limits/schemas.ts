import { z } from "zod";
import { parseOrThrow } from "@/lib/errors";
import { BUDGET_PERIODS, type BudgetPeriod } from "./periods";
import { NO_LIMITS, type Limits } from "./types";

// Forms send "" for an empty field: that means "no limit".
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === "string" && v.trim() === "") ? null : v);
const numberOf = (v: unknown) => {
  const blank = blankToNull(v);
  return typeof blank === "string" ? Number(blank.trim()) : blank;
};

/** Largest budget accepted (USD per period). */
export const MAX_BUDGET_USD = 1_000_000;
/** Largest per-minute limit accepted (requests or tokens). */
export const MAX_PER_MINUTE = 1_000_000_000;

/**
 * Budgets and rate limits of a key or a user. Each is optional; null (or "") = no limit.
 * `budgetUsd`: USD per `budgetPeriod` (default `month`). Per minute: requests, and
 * prompt + completion tokens.
 */
export const limitsSchema = z
  .object({
    budgetUsd: z.preprocess(
      numberOf,
      z
        .number({ error: "Enter the budget in US dollars, e.g. 25 or 0.50" })
        .finite("Enter the budget in US dollars, e.g. 25 or 0.50")
        .min(0, "The budget cannot be negative")
        // Stored to the hundredth of a cent: a smaller budget would be kept as $0 and refuse every call.
        .refine((usd) => usd <= 0 || usd >= 0.0001, "The budget must be at least $0.0001 (or 0, or empty for none)")
        .max(MAX_BUDGET_USD, `The budget must be at most $${MAX_BUDGET_USD.toLocaleString("en")}`)
        .nullable(),
    ),
    budgetPeriod: z.preprocess(blankToNull, z.enum(BUDGET_PERIODS as [string, ...string[]], { error: "Choose day, week or month" }).nullable()),
    requestsPerMinute: z.preprocess(
      numberOf,
      z.number({ error: "Enter a whole number of requests" }).int("Enter a whole number of requests").min(1, "Allow at least 1 request a minute (or leave it empty)").max(MAX_PER_MINUTE, "Too large").nullable(),
    ),
    tokensPerMinute: z.preprocess(
      numberOf,
      z.number({ error: "Enter a whole number of tokens" }).int("Enter a whole number of tokens").min(1, "Allow at least 1 token a minute (or leave it empty)").max(MAX_PER_MINUTE, "Too large").nullable(),
    ),
  })
  .transform((l): Limits => ({ ...l, budgetPeriod: l.budgetUsd === null ? null : ((l.budgetPeriod as BudgetPeriod | null) ?? "month") }));

export type LimitsInput = z.input<typeof limitsSchema>;
export { NO_LIMITS, type Limits };

const LIMIT_FIELDS = ["budgetUsd", "budgetPeriod", "requestsPerMinute", "tokensPerMinute"] as const;

/**
 * The limits after applying the limit fields present in `input` (a JSON body or a form)
 * to `base`; null when `input` has none of them (nothing to change).
 * @throws {AppError} validation, per field.
 */
export function limitsPatch(input: unknown, base: Limits): Limits | null {
  if (!input || typeof input !== "object") return null;
  const given = Object.fromEntries(LIMIT_FIELDS.filter((f) => f in input).map((f) => [f, (input as Record<string, unknown>)[f]]));
  if (Object.keys(given).length === 0) return null;
  return parseOrThrow(limitsSchema, { ...base, ...given });
}
