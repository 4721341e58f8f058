import type { Usage } from "./types";

/**
 * Joins a base URL and a client path without doubling `/v1`: clients built for
 * `https://api.openai.com/v1` send `/v1/chat/completions`; when the base already ends in
 * `/v1` (or is a base, like Cloudflare's `/compat`, that stands in for it) the client's
 * leading `/v1` is dropped.
 */
export function joinUpstreamUrl(baseUrl: string, clientPath: string, search: string, options: { baseReplacesV1?: boolean } = {}): string {
  const base = baseUrl.replace(/\/+$/, "");
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  let path = clientPath;
  if ((options.baseReplacesV1 || /\/v1$/.test(basePath)) && /^\/v1(\/|$)/.test(path)) path = path.slice(3);
  if (path !== "" && !path.startsWith("/")) path = `/${path}`;
  return `${base}${path}${search}`;
}

// Token counts an upstream reports; nonsense (negative, fractional overflow, > 2^31) is ignored
// rather than allowed to break the log row.
const int = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 && v < 2 ** 31 ? Math.round(v) : null);

/**
 * OpenAI chat/completions/embeddings usage: `usage.prompt_tokens`, `usage.completion_tokens`,
 * `usage.prompt_tokens_details.cached_tokens`; streamed answers carry it in the last chunk
 * when `stream_options.include_usage` is set
 * (https://platform.openai.com/docs/api-reference/chat/object).
 */
export function readOpenAIUsage(payload: unknown, into: Usage): void {
  if (!payload || typeof payload !== "object") return;
  const p = payload as { model?: unknown; usage?: Record<string, unknown> | null };
  if (typeof p.model === "string" && !into.model) into.model = p.model;
  const u = p.usage;
  if (!u || typeof u !== "object") return;
  into.promptTokens = int(u.prompt_tokens) ?? int(u.input_tokens) ?? into.promptTokens;
  into.completionTokens = int(u.completion_tokens) ?? int(u.output_tokens) ?? into.completionTokens;
  const details = (u.prompt_tokens_details ?? u.input_tokens_details) as Record<string, unknown> | undefined;
  if (details && typeof details === "object") into.cachedTokens = int(details.cached_tokens) ?? into.cachedTokens;
}

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
export function openAIErrorBody(status: number, message: string, code: string): unknown {
  const type = status === 401 ? "invalid_request_error" : status === 403 ? "permission_error" : status === 404 ? "not_found_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return { error: { message, type, param: null, code } };
}
