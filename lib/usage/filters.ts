import { z } from "zod";
import { parseOrThrow } from "@/lib/errors";

/**
 * The Usage page's and `GET /api/v1/usage`'s filters, from a query string. Dates are UTC
 * days (`yyyy-mm-dd`), `to` inclusive; default: the last 7 days. Everything else narrows.
 */
const day = /^\d{4}-\d{2}-\d{2}$/;
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const uuid = z.preprocess(blank, z.string().uuid("Pick one from the list").optional());

export const MAX_RANGE_DAYS = 366;
export const MAX_PAGE_SIZE = 200;

const schema = z
  .object({
    from: z.preprocess(blank, z.string().regex(day, "Use a date like 2026-01-31").optional()),
    to: z.preprocess(blank, z.string().regex(day, "Use a date like 2026-01-31").optional()),
    userId: uuid,
    keyId: uuid,
    provider: z.preprocess(blank, z.string().max(100).optional()),
    model: z.preprocess(blank, z.string().max(200).optional()),
    /** Chart buckets; default: hours for ranges of up to 2 days, else days. */
    bucket: z.preprocess(blank, z.enum(["hour", "day"], { error: "Choose hour or day" }).optional()),
    /** Show only calls refused by a limit (`limited`), refused at the door (`refused`: unknown or revoked key, provider not allowed…) or failures (`errors`) in the calls table. */
    outcome: z.preprocess(blank, z.enum(["limited", "refused", "errors"], { error: "Choose limited, refused or errors" }).optional()),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.preprocess(blank, z.string().max(100).regex(/^[0-9T:.+\- ]+\|\d+$/, "Invalid cursor").optional()),
    limit: z.preprocess((v) => (blank(v) === undefined ? undefined : Number(v)), z.number({ error: "limit must be a number" }).int().min(1).max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`).default(50)),
  })
  .transform((f, ctx) => {
    const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    const to = f.to ? new Date(`${f.to}T00:00:00Z`) : today;
    const from = f.from ? new Date(`${f.from}T00:00:00Z`) : new Date(to.getTime() - 6 * 86_400_000);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "Use a date like 2026-01-31" });
      return z.NEVER;
    }
    if (from > to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "The start date is after the end date" });
      return z.NEVER;
    }
    const end = new Date(to.getTime() + 86_400_000);
    if (end.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["from"], message: `Pick at most ${MAX_RANGE_DAYS} days` });
      return z.NEVER;
    }
    const bucket = f.bucket ?? (end.getTime() - from.getTime() <= 2 * 86_400_000 ? "hour" : "day");
    return { ...f, from, end, fromDay: from.toISOString().slice(0, 10), toDay: to.toISOString().slice(0, 10), bucket };
  });

export type UsageFilters = z.output<typeof schema>;

/**
 * Parses filters from query parameters.
 * @throws {AppError} validation, naming the parameter.
 */
export function parseUsageFilters(params: URLSearchParams | Record<string, string | string[] | undefined>): UsageFilters {
  const entries = params instanceof URLSearchParams ? Object.fromEntries(params) : Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return parseOrThrow(schema, entries);
}

/** The query string of `filters` (without cursor), optionally changed by `patch` (undefined removes a parameter). */
export function usageQuery(filters: UsageFilters, patch: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  const base: Record<string, string | undefined> = {
    from: filters.fromDay,
    to: filters.toDay,
    userId: filters.userId,
    keyId: filters.keyId,
    provider: filters.provider,
    model: filters.model,
    bucket: filters.bucket,
    outcome: filters.outcome,
    ...patch,
  };
  for (const [k, v] of Object.entries(base)) if (v !== undefined && v !== "") params.set(k, v);
  return params.toString();
}
