import type { CallDTO } from "./dashboard";

/** Columns of the usage export, in order: header name → value of a call. Tokens are counts, cost USD, times ms. */
const COLUMNS: [string, (c: CallDTO) => string | number | boolean | null][] = [
  ["id", (c) => c.id],
  ["created_at", (c) => c.createdAt],
  ["user", (c) => c.username],
  ["user_id", (c) => c.userId],
  ["key", (c) => c.keyName],
  ["key_id", (c) => c.keyId],
  ["provider", (c) => c.providerKey],
  ["model", (c) => c.model],
  ["method", (c) => c.method],
  ["path", (c) => c.path],
  ["stream", (c) => c.stream],
  ["status", (c) => c.status],
  ["outcome", (c) => c.outcome],
  ["error_code", (c) => c.errorCode],
  ["limit_refused", (c) => c.limitRefused],
  ["prompt_tokens", (c) => c.promptTokens],
  ["completion_tokens", (c) => c.completionTokens],
  ["cached_tokens", (c) => c.cachedTokens],
  ["reasoning_tokens", (c) => c.reasoningTokens],
  ["cost_usd", (c) => (c.costUsd === null ? null : c.costUsd.toFixed(8))],
  ["latency_ms", (c) => c.latencyMs],
  ["ttfb_ms", (c) => c.ttfbMs],
  ["error", (c) => c.errorExcerpt],
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`
 * (OWASP "CSV injection"); upstream error text and model names come from outside.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = COLUMNS.map(([name]) => name).join(",") + "\r\n";

/** Calls as CSV lines (CRLF-terminated), without the header. */
export function csvLines(calls: CallDTO[]): string {
  return calls.map((c) => COLUMNS.map(([, get]) => csvField(get(c))).join(",") + "\r\n").join("");
}
