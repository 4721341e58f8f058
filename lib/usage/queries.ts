import { and, count, desc, eq, gte, sql, sum } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { providers, requestLogs, users } from "@/lib/db/schema";
import type { Actor } from "@/lib/keys/queries";

/** One gateway call as the gateway measured it. Tokens are counts; cost in USD. */
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
  /** How the call ended (see the column's comment in lib/db/schema.ts); default `success`. */
  outcome?: string;
  /** Machine-readable reason for a refusal or failure. */
  errorCode?: string | null;
  /** The budget or limit that refused the call (`key_rpm`, `user_budget_month`, …). */
  limitRefused?: string | null;
  /** Receiving the call → the upstream's first byte, ms. */
  ttfbMs?: number | null;
}

// Upstream text goes into Postgres text columns, which cannot hold NUL.
const clean = (s: string, max: number) => s.replace(/\u0000/g, "").slice(0, max);

/** Inserts one request_logs row. Upstream-provided text is trimmed and NUL-free; a cost that does not fit is dropped. */
export async function recordRequest(record: RequestRecord): Promise<void> {
  const db = await getDb();
  const cost = record.costUsd !== null && Number.isFinite(record.costUsd) && record.costUsd < 1e6 ? record.costUsd.toFixed(8) : null;
  await db.insert(requestLogs).values({
    ...record,
    path: clean(record.path, 500),
    model: record.model === null ? null : clean(record.model, 200),
    costUsd: cost,
    errorExcerpt: record.errorExcerpt === null ? null : clean(record.errorExcerpt, 500),
  });
}

export interface RequestLogDTO {
  id: number;
  createdAt: string;
  username: string | null;
  providerKey: string;
  providerName: string | null;
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
}

/** Recent calls, newest first: the actor's own, or (admins) everyone's. `limit` ≤ 500. */
export async function listRequestLogs({ actor, limit = 100 }: { actor: Actor; limit?: number }): Promise<RequestLogDTO[]> {
  const db = await getDb();
  const rows = await db
    .select({
      log: requestLogs,
      username: users.username,
      providerName: providers.name,
    })
    .from(requestLogs)
    .leftJoin(users, eq(users.id, requestLogs.userId))
    .leftJoin(providers, eq(providers.id, requestLogs.providerId))
    .where(actor.role === "admin" ? undefined : eq(requestLogs.userId, actor.userId))
    .orderBy(desc(requestLogs.id))
    .limit(Math.min(Math.max(1, Math.floor(limit)), 500));
  return rows.map(({ log, username, providerName }) => ({
    id: log.id,
    createdAt: log.createdAt.toISOString(),
    username,
    providerKey: log.providerKey,
    providerName,
    method: log.method,
    path: log.path,
    model: log.model,
    stream: log.stream,
    status: log.status,
    promptTokens: log.promptTokens,
    completionTokens: log.completionTokens,
    cachedTokens: log.cachedTokens,
    costUsd: log.costUsd === null ? null : Number(log.costUsd),
    latencyMs: log.latencyMs,
    errorExcerpt: log.errorExcerpt,
  }));
}

export interface UsageTotals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Totals over the last `days` days (default 30) for the actor (admins: everyone). */
export async function getUsageTotals({ actor, days = 30 }: { actor: Actor; days?: number }): Promise<UsageTotals> {
  const db = await getDb();
  const since = new Date(Date.now() - days * 86_400_000);
  const [row] = await db
    .select({
      requests: count(),
      errors: sql<number>`count(*) filter (where ${requestLogs.status} >= 400)`,
      promptTokens: sum(requestLogs.promptTokens),
      completionTokens: sum(requestLogs.completionTokens),
      costUsd: sum(requestLogs.costUsd),
    })
    .from(requestLogs)
    .where(and(gte(requestLogs.createdAt, since), actor.role === "admin" ? undefined : eq(requestLogs.userId, actor.userId)));
  return {
    requests: Number(row?.requests ?? 0),
    errors: Number(row?.errors ?? 0),
    promptTokens: Number(row?.promptTokens ?? 0),
    completionTokens: Number(row?.completionTokens ?? 0),
    costUsd: Number(row?.costUsd ?? 0),
  };
}
