import { and, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { providers, requestLogs, usageHourly, users, virtualKeys } from "@/lib/db/schema";
import type { Actor } from "@/lib/keys/queries";
import type { UsageFilters } from "./filters";

/**
 * The Usage page's queries. Chart, totals and breakdowns read usage_hourly (request_logs
 * summed per hour by a trigger), so they cost the same at a million calls as at a
 * thousand; the calls table reads request_logs by index, one page at a time (keyset
 * on created_at, id). Admins see everyone; other users only their own calls, whatever
 * `userId` they ask for. Measured by `npm run bench:usage`.
 */

/** The user a query is limited to: the actor's own id unless the actor is an admin. */
const scopedUser = (actor: Actor, filters: UsageFilters) => (actor.role === "admin" ? filters.userId : actor.userId);

function rollupWhere(actor: Actor, f: UsageFilters): SQL | undefined {
  const user = scopedUser(actor, f);
  return and(
    gte(usageHourly.hour, f.from),
    lt(usageHourly.hour, f.end),
    user ? eq(usageHourly.userId, user) : undefined,
    f.keyId ? eq(usageHourly.virtualKeyId, f.keyId) : undefined,
    f.provider ? eq(usageHourly.providerKey, f.provider) : undefined,
    f.model !== undefined ? eq(usageHourly.model, f.model) : undefined,
  );
}

export interface UsageTotalsInRange {
  requests: number;
  errors: number;
  limited: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

const sums = {
  requests: sql<string>`coalesce(sum(${usageHourly.requests}), 0)`,
  errors: sql<string>`coalesce(sum(${usageHourly.errors}), 0)`,
  limited: sql<string>`coalesce(sum(${usageHourly.limited}), 0)`,
  promptTokens: sql<string>`coalesce(sum(${usageHourly.promptTokens}), 0)`,
  completionTokens: sql<string>`coalesce(sum(${usageHourly.completionTokens}), 0)`,
  costUsd: sql<string>`coalesce(sum(${usageHourly.costUsd}), 0)`,
};
const toNumbers = (r: Record<keyof typeof sums, string | number>): UsageTotalsInRange => ({
  requests: Number(r.requests),
  errors: Number(r.errors),
  limited: Number(r.limited),
  promptTokens: Number(r.promptTokens),
  completionTokens: Number(r.completionTokens),
  costUsd: Number(r.costUsd),
});

/** Totals over the filters' range. */
export async function getRangeTotals({ actor, filters }: { actor: Actor; filters: UsageFilters }): Promise<UsageTotalsInRange> {
  const db = await getDb();
  const [row] = await db.select(sums).from(usageHourly).where(rollupWhere(actor, filters));
  return toNumbers(row!);
}

export interface SeriesPoint extends UsageTotalsInRange {
  /** Start of the hour or UTC day, ISO. */
  at: string;
}

/** Requests, tokens and cost per hour or UTC day over the range; buckets without calls are filled with zeros. */
export async function getUsageSeries({ actor, filters }: { actor: Actor; filters: UsageFilters }): Promise<SeriesPoint[]> {
  const db = await getDb();
  // The unit is inlined (a parameter would make GROUP BY and SELECT differ); it is one of two words.
  const unit = filters.bucket === "day" ? "day" : "hour";
  const bucket = sql<Date>`date_trunc(${sql.raw(`'${unit}'`)}, ${usageHourly.hour}, 'UTC')`;
  const rows = await db
    .select({ at: sql<string>`to_char(${bucket} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"')`, ...sums })
    .from(usageHourly)
    .where(rollupWhere(actor, filters))
    .groupBy(bucket)
    .orderBy(bucket);
  const byTime = new Map(rows.map((r) => [r.at, toNumbers(r)]));
  const step = filters.bucket === "hour" ? 3_600_000 : 86_400_000;
  const out: SeriesPoint[] = [];
  for (let t = filters.from.getTime(); t < filters.end.getTime(); t += step) {
    const at = new Date(t).toISOString().replace(/:00\.000Z$/, ":00Z").replace(/\.000Z$/, "Z");
    out.push({ at, ...(byTime.get(at) ?? { requests: 0, errors: 0, limited: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 }) });
  }
  return out;
}

export type BreakdownDimension = "user" | "key" | "provider" | "model";

export interface BreakdownRow extends UsageTotalsInRange {
  /** The filter value: user id, key id, provider key or model ('' = none). */
  id: string | null;
  /** What people read: username, key name, provider key, model. */
  label: string;
}

/** Calls, tokens and cost per user, key, provider or model over the range, costliest first (top `limit`). */
export async function getBreakdown({ actor, filters, by, limit = 10 }: { actor: Actor; filters: UsageFilters; by: BreakdownDimension; limit?: number }): Promise<BreakdownRow[]> {
  const db = await getDb();
  const column = { user: usageHourly.userId, key: usageHourly.virtualKeyId, provider: usageHourly.providerKey, model: usageHourly.model }[by];
  const rows = await db
    .select({ id: column, ...sums })
    .from(usageHourly)
    .where(rollupWhere(actor, filters))
    .groupBy(column)
    .orderBy(desc(sums.costUsd), desc(sums.requests))
    .limit(limit);
  const ids = rows.map((r) => r.id).filter((id): id is string => typeof id === "string" && id !== "");
  let names = new Map<string, string>();
  if (ids.length > 0 && by === "user") {
    names = new Map((await db.select({ id: users.id, name: users.username }).from(users).where(inArray(users.id, ids))).map((r) => [r.id, r.name]));
  } else if (ids.length > 0 && by === "key") {
    names = new Map((await db.select({ id: virtualKeys.id, name: virtualKeys.name }).from(virtualKeys).where(inArray(virtualKeys.id, ids))).map((r) => [r.id, r.name]));
  }
  return rows.map((r) => {
    const id = r.id as string | null;
    const label =
      // No id: the call named no known key (refused at the door, e.g. an unknown key).
      by === "user" ? (id ? (names.get(id) ?? "deleted user") : "no user (unknown key)") : by === "key" ? (id ? (names.get(id) ?? "deleted key") : "no key (refused)") : id === "" ? "(no model)" : (id ?? "—");
    return { id, label, ...toNumbers(r) };
  });
}

/** One gateway call with everything the detail drawer shows. Tokens are counts; cost USD; times ms. */
export interface CallDTO {
  id: number;
  createdAt: string;
  userId: string | null;
  username: string | null;
  keyId: string | null;
  keyName: string | null;
  providerKey: string;
  providerName: string | null;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  status: number;
  outcome: string;
  errorCode: string | null;
  limitRefused: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  latencyMs: number;
  ttfbMs: number | null;
  errorExcerpt: string | null;
}

function callsWhere(actor: Actor, f: UsageFilters, after?: { at: string; id: number }): SQL | undefined {
  const user = scopedUser(actor, f);
  return and(
    gte(requestLogs.createdAt, f.from),
    lt(requestLogs.createdAt, f.end),
    user ? eq(requestLogs.userId, user) : undefined,
    f.keyId ? eq(requestLogs.virtualKeyId, f.keyId) : undefined,
    f.provider ? eq(requestLogs.providerKey, f.provider) : undefined,
    f.model !== undefined ? (f.model === "" ? sql`${requestLogs.model} is null` : eq(requestLogs.model, f.model)) : undefined,
    f.outcome === "limited" || f.outcome === "refused" ? eq(requestLogs.outcome, f.outcome) : f.outcome === "errors" ? or(gte(requestLogs.status, 400), ne(requestLogs.outcome, "success")) : undefined,
    after ? sql`(${requestLogs.createdAt}, ${requestLogs.id}) < (${after.at}::timestamptz, ${after.id})` : undefined,
  );
}

const callColumns = {
  log: requestLogs,
  cursorAt: sql<string>`${requestLogs.createdAt}::text`,
  username: users.username,
  keyName: virtualKeys.name,
  providerName: providers.name,
};

type CallRow = { log: typeof requestLogs.$inferSelect; cursorAt: string; username: string | null; keyName: string | null; providerName: string | null };

function toCall({ log, username, keyName, providerName }: CallRow): CallDTO {
  return {
    id: log.id,
    createdAt: log.createdAt.toISOString(),
    userId: log.userId,
    username,
    keyId: log.virtualKeyId,
    keyName,
    providerKey: log.providerKey,
    providerName,
    method: log.method,
    path: log.path,
    model: log.model,
    stream: log.stream,
    status: log.status,
    outcome: log.outcome,
    errorCode: log.errorCode,
    limitRefused: log.limitRefused,
    promptTokens: log.promptTokens,
    completionTokens: log.completionTokens,
    cachedTokens: log.cachedTokens,
    reasoningTokens: log.reasoningTokens,
    costUsd: log.costUsd === null ? null : Number(log.costUsd),
    latencyMs: log.latencyMs,
    ttfbMs: log.ttfbMs,
    errorExcerpt: log.errorExcerpt,
  };
}

function parseCursor(cursor: string | undefined): { at: string; id: number } | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor.split("|");
  return { at: at!, id: Number(id) };
}

async function callsPage(actor: Actor, filters: UsageFilters, limit: number, after?: { at: string; id: number }): Promise<CallRow[]> {
  const db = await getDb();
  return db
    .select(callColumns)
    .from(requestLogs)
    .leftJoin(users, eq(users.id, requestLogs.userId))
    .leftJoin(virtualKeys, eq(virtualKeys.id, requestLogs.virtualKeyId))
    .leftJoin(providers, eq(providers.id, requestLogs.providerId))
    .where(callsWhere(actor, filters, after))
    .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
    .limit(limit);
}

/**
 * One page of calls, newest first. `nextCursor` (null on the last page) asks for the next.
 */
export async function listCalls({ actor, filters }: { actor: Actor; filters: UsageFilters }): Promise<{ calls: CallDTO[]; nextCursor: string | null }> {
  const rows = await callsPage(actor, filters, filters.limit + 1, parseCursor(filters.cursor));
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  return { calls: page.map(toCall), nextCursor: rows.length > filters.limit && last ? `${last.cursorAt}|${last.log.id}` : null };
}

/**
 * Every call matching the filters, newest first, in pages of `batch` (the CSV export):
 * memory stays flat however many rows match.
 */
export async function* eachCall({ actor, filters, batch = 2000 }: { actor: Actor; filters: UsageFilters; batch?: number }): AsyncGenerator<CallDTO[]> {
  let after = parseCursor(filters.cursor);
  for (;;) {
    const rows = await callsPage(actor, filters, batch, after);
    if (rows.length === 0) return;
    yield rows.map(toCall);
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursorAt, id: last.log.id };
  }
}

