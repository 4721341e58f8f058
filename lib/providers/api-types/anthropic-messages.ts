import { baseUrlAndKey } from "./base-url";
import { allowHeaders, apiKeyHeader, bodyUntouched, joinAfterVersion, noteModel, objectOf, parseJson, positiveInt, readDataListing, sumCounts, tokenCount } from "./shared";
import type { ApiTypeModule, FetchedModel, ProbeRequest, Usage } from "./types";

/**
 * Anthropic's Messages API (https://docs.anthropic.com/en/api/messages): base
 * `https://api.anthropic.com`, clients send `/v1/messages`; the key goes as `x-api-key`
 * with `anthropic-version` (https://docs.anthropic.com/en/api/versioning), and
 * `anthropic-version` / `anthropic-beta` from the client pass through.
 *
 * Usage (https://docs.anthropic.com/en/api/messages#response-usage): `input_tokens`
 * (uncached), `cache_read_input_tokens`, `cache_creation_input_tokens`, `output_tokens`.
 * Streams (https://docs.anthropic.com/en/docs/build-with-claude/streaming): `message_start`
 * carries the model and the input counts, `message_delta` the cumulative output count
 * (and, on newer API versions, cumulative input counts too).
 * Errors: `{ type: "error", error: { type, message } }` (https://docs.anthropic.com/en/api/errors).
 */

/** The API version sent when the client sent none (the probe, plain HTTP clients). */
export const ANTHROPIC_VERSION = "2023-06-01";

/** Merges one Anthropic `usage` object; a field absent leaves what is known. */
export function mergeAnthropicUsage(usage: unknown, into: Usage, parts: AnthropicParts): void {
  const u = objectOf(usage);
  if (!u) return;
  parts.input = tokenCount(u.input_tokens) ?? parts.input;
  parts.cacheRead = tokenCount(u.cache_read_input_tokens) ?? parts.cacheRead;
  parts.cacheWrite = tokenCount(u.cache_creation_input_tokens) ?? parts.cacheWrite;
  into.promptTokens = sumCounts(parts.input, parts.cacheRead, parts.cacheWrite);
  into.cachedTokens = parts.cacheRead;
  into.cacheWriteTokens = parts.cacheWrite;
  into.completionTokens = tokenCount(u.output_tokens) ?? into.completionTokens;
}

/** Anthropic reports the three input counts apart; a stream's reader keeps them across events. */
interface AnthropicParts {
  input: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
}

// Parts already seen, per Usage being filled (a stream spreads them over two events).
const streamParts = new WeakMap<Usage, AnthropicParts>();

function partsOf(into: Usage): AnthropicParts {
  let parts = streamParts.get(into);
  if (!parts) streamParts.set(into, (parts = { input: null, cacheRead: null, cacheWrite: null }));
  return parts;
}

function readJsonUsage(body: unknown, into: Usage): void {
  const message = objectOf(body);
  if (!message) return;
  noteModel(into, message.model);
  mergeAnthropicUsage(message.usage, into, partsOf(into));
}

function readSseUsage(event: string | undefined, data: string, into: Usage): void {
  if (event === "message_start") {
    const message = objectOf(objectOf(parseJson(data))?.message);
    if (message) readJsonUsage(message, into);
  } else if (event === "message_delta") {
    mergeAnthropicUsage(objectOf(parseJson(data))?.usage, into, partsOf(into));
  }
}

/** Anthropic's error type for a status (https://docs.anthropic.com/en/api/errors#http-errors). */
function anthropicErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/** `GET /v1/models` → `{ data: [{ id, display_name }] }` (https://docs.anthropic.com/en/api/models-list). */
function modelListing(): ProbeRequest & { readModels: (body: unknown) => FetchedModel[] } {
  return {
    method: "GET",
    clientPath: "/v1/models",
    search: "?limit=1000",
    headers: { "anthropic-version": ANTHROPIC_VERSION },
    readModels: (body) =>
      readDataListing(body, (entry) => {
        const extra: Partial<FetchedModel> = {};
        if (typeof entry.display_name === "string" && entry.display_name !== "") extra.displayName = entry.display_name;
        const max = positiveInt(entry.max_tokens);
        if (max) extra.maxTokens = max;
        return extra;
      }),
  };
}

export const anthropicMessages = {
  id: "anthropic-messages",
  label: "Anthropic Messages",
  help: "Anthropic's Messages API (/v1/messages): Claude, with prompt-cache reads and writes counted apart.",
  docs: "https://docs.anthropic.com/en/api/messages",

  ...baseUrlAndKey("https://api.anthropic.com"),
  form: [
    { name: "baseUrl", label: "Base URL", kind: "url", required: true, placeholder: "https://api.anthropic.com", hint: "Anthropic's is https://api.anthropic.com (clients add /v1/messages)." },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "sk-ant-…", hint: "Sent as x-api-key." },
  ],

  // `https://api.anthropic.com` (or a compatible `https://openrouter.ai/api`) keeps the
  // client's `/v1/messages`; a base typed with its version (`…/v1`) stands for the client's `/v1`.
  upstreamUrl: (provider, clientPath, search) => joinAfterVersion(provider.baseUrl, clientPath, search),
  forwardsRequestHeader: allowHeaders(["anthropic-version", "anthropic-beta"]),
  // `anthropic-version` is the client's to choose (Anthropic's SDKs always send it; the
  // probe sends its own), so only the key is set here.
  authHeaders: apiKeyHeader("x-api-key"),
  ...bodyUntouched,

  jsonUsageKeys: ["model", "usage"],
  readJsonUsage,
  readSseUsage,
  readNdjsonUsage: () => {},
  // Anthropic streams always carry usage; nothing is injected.
  isUsageOnlyEvent: () => false,
  errorBody: (status: number, message: string, _code: string) => ({ type: "error", error: { type: anthropicErrorType(status), message } }),

  probe: () => modelListing(),
  listModels: () => modelListing(),
} satisfies ApiTypeModule;
