import { eq, sql } from "drizzle-orm";
import { asUuid } from "@/lib/db/ids";
import { executePrepared, type Db } from "@/lib/db/client";
import { requestLogs } from "@/lib/db/schema";

/**
 * How a gateway call ended (the `outcome` column): answered (`success`, or
 * `upstream_error` for an upstream status ≥ 400), failed on the way (`upstream_unreachable`,
 * `upstream_timeout`: no first byte in time), refused by the gateway (`body_too_large`,
 * `refused` at the door: no or unknown key, unknown provider, provider not allowed, bad
 * path; `limited`: a budget or rate limit), or abandoned (`client_disconnected`, before or
 * during the answer: `error_code` says which).
 */
export type RequestOutcome =
  | "success"
  | "upstream_error"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "body_too_large"
  | "client_disconnected"
  | "refused"
  | "limited";

/** One gateway call as the gateway measured it. Tokens are counts; cost in USD; times in ms. */
export interface RequestRecord {
  virtualKeyId: string | null;
  userId: string | null;
  providerId: string | null;
  providerKey: string;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  status: number;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  costUsd: number | null;
  latencyMs: number;
  errorExcerpt: string | null;
  outcome: RequestOutcome;
  /** Machine-readable reason for a refusal or failure (`invalid_api_key`, `provider_not_found`, …). */
  errorCode: string | null;
  /** The budget or limit that refused the call (`limited` only). */
  limitRefused?: string | null;
  /** ms from receiving the call to the upstream's first byte; null when none came. */
  ttfbMs: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  /**
   * When the call arrived (ms since the epoch; the row's `created_at`). Rows are written in
   * batches, retried through an outage: without it a row would carry the time it was written.
   * Absent: the time of the insert.
   */
  createdAt?: number;
}

// Upstream text goes into Postgres text columns, which hold neither NUL nor half of a
// surrogate pair (the rows travel as JSON, where `\ud800` alone is refused).
const clean = (s: string, max: number) => s.replace(/\u0000/g, "").slice(0, max).toWellFormed();

function toRow(record: RequestRecord): Record<string, string | number | boolean> {
  // Keyed by the column's short name, nulls left out (json_to_recordset reads a missing key as null).
  const row: Record<string, string | number | boolean> = {};
  for (const [property, , , short, max] of COLUMNS) {
    const value = record[property];
    if (value === null || value === undefined) continue;
    if (property === "costUsd") {
      const cost = value as number;
      if (Number.isFinite(cost) && cost < 1e6) row[short] = cost.toFixed(8);
    } else if (max > 0) {
      if (value !== "" || property !== "limitRefused") row[short] = clean(value as string, max);
    } else row[short] = value;
  }
  return row;
}

/** Inserts one request_logs row. Upstream-provided text is trimmed and NUL-free; a cost that does not fit is dropped. */
export async function recordRequest(record: RequestRecord): Promise<void> {
  await recordRequests([record]);
}

/**
 * Inserts request_logs rows in one statement (the gateway's log writer batches them).
 * All or none: a failed insert leaves no row, so the caller may retry the whole batch.
 *
 * The rows travel as one JSON parameter unpacked by `json_to_recordset` (PostgreSQL docs,
 * "JSON Functions and Operators"): building a drizzle `insert().values()` for a batch
 * binds one parameter per column per row (22 × rows), and that query building was the
 * largest single cost of a gateway call under load (bench:gateway, `--cpu-prof`).
 */
export async function recordRequests(records: readonly RequestRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = JSON.stringify(records.map(toRow));
  await executePrepared(sql`
    insert into request_logs (${sql.raw(INSERT_COLUMNS)})
    select ${sql.raw(SELECT_LIST)} from json_to_recordset(${rows}::json) as r(${sql.raw(RECORDSET_TYPES)})`);
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Detaches the request-log rows of a user being deleted (their user and key ids → null) or
 * of a provider being deleted (its provider id → null); the rows themselves stay, with
 * provider key, model, tokens and cost. Call it in the transaction that deletes them:
 * request_logs has no foreign keys to do it (lib/db/schema.ts, `requestLogs`).
 */
export async function detachRequestLogs(db: Db | Tx, of: { userId: string } | { providerId: string }): Promise<void> {
  if ("userId" in of) {
    // Every row of the user's keys carries the user's id too (the gateway logs both).
    await db.update(requestLogs).set({ userId: null, virtualKeyId: null }).where(eq(requestLogs.userId, asUuid(of.userId)));
  } else {
    await db.update(requestLogs).set({ providerId: null }).where(eq(requestLogs.providerId, asUuid(of.providerId)));
  }
}

// request_logs' columns as a log row fills them: [property, column, SQL type, JSON key,
// longest text kept (characters; 0: not text from outside)].
// In the JSON each row is keyed by the short name and leaves nulls out: under half the
// bytes of property names and nulls for the driver to write and PostgreSQL to parse.
const COLUMNS = [
  ["virtualKeyId", "virtual_key_id", "uuid", "a", 0],
  ["userId", "user_id", "uuid", "b", 0],
  ["providerId", "provider_id", "uuid", "c", 0],
  ["providerKey", "provider_key", "text", "d", 200],
  ["method", "method", "text", "e", 20],
  ["path", "path", "text", "f", 500],
  ["model", "model", "text", "g", 200],
  ["stream", "stream", "boolean", "h", 0],
  ["status", "status", "integer", "i", 0],
  ["promptTokens", "prompt_tokens", "integer", "j", 0],
  ["completionTokens", "completion_tokens", "integer", "k", 0],
  ["cachedTokens", "cached_tokens", "integer", "l", 0],
  ["cacheWriteTokens", "cache_write_tokens", "integer", "m", 0],
  ["reasoningTokens", "reasoning_tokens", "integer", "n", 0],
  ["costUsd", "cost_usd", "numeric(14,8)", "o", 0],
  ["latencyMs", "latency_ms", "integer", "p", 0],
  ["ttfbMs", "ttfb_ms", "integer", "q", 0],
  ["errorExcerpt", "error_excerpt", "text", "r", 500],
  ["outcome", "outcome", "text", "s", 0],
  ["errorCode", "error_code", "text", "t", 100],
  ["limitRefused", "limit_refused", "text", "u", 100],
  ["createdAt", "created_at", "double precision", "v", 0],
] as const satisfies readonly (readonly [keyof RequestRecord, string, string, string, number])[];
const INSERT_COLUMNS = COLUMNS.map(([, column]) => column).join(", ");
// created_at travels as ms since the epoch (no Date or ISO string made per row).
const SELECT_LIST = COLUMNS.map(([property, , , short]) => (property === "createdAt" ? `coalesce(to_timestamp(${short} / 1000), now())` : short)).join(", ");
const RECORDSET_TYPES = COLUMNS.map(([, , type, short]) => `${short} ${type}`).join(", ");
