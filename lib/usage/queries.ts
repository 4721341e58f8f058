import { getDb } from "@/lib/db/client";
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
}

// Upstream text goes into Postgres text columns, which cannot hold NUL.
const clean = (s: string, max: number) => s.replace(/\u0000/g, "").slice(0, max);

function toRow(record: RequestRecord): typeof requestLogs.$inferInsert {
  const cost = record.costUsd !== null && Number.isFinite(record.costUsd) && record.costUsd < 1e6 ? record.costUsd.toFixed(8) : null;
  return {
    ...record,
    providerKey: clean(record.providerKey, 200),
    method: clean(record.method, 20),
    path: clean(record.path, 500),
    model: record.model === null ? null : clean(record.model, 200),
    costUsd: cost,
    errorExcerpt: record.errorExcerpt === null ? null : clean(record.errorExcerpt, 500),
    errorCode: record.errorCode === null ? null : clean(record.errorCode, 100),
    limitRefused: record.limitRefused ? clean(record.limitRefused, 100) : null,
  };
}

/** Inserts one request_logs row. Upstream-provided text is trimmed and NUL-free; a cost that does not fit is dropped. */
export async function recordRequest(record: RequestRecord): Promise<void> {
  await recordRequests([record]);
}

/**
 * Inserts request_logs rows in one statement (the gateway's log writer batches them).
 * All or none: a failed insert leaves no row, so the caller may retry the whole batch.
 */
export async function recordRequests(records: readonly RequestRecord[]): Promise<void> {
  if (records.length === 0) return;
  const db = await getDb();
  await db.insert(requestLogs).values(records.map(toRow));
}

