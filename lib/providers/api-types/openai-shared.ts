import { noteModel, objectOf, parseJson, readDataListing, tokenCount } from "./shared";
import type { ApiTypeModule, BodyRewrite, FetchedModel, ProbeRequest, RequestContext, Usage } from "./types";

/**
 * OpenAI's wire facts shared by the OpenAI-style types (OpenAI-compatible, Responses,
 * Azure, Cloudflare's `/compat`, Ollama's `/v1`).
 */

/**
 * Merges one OpenAI `usage` object: Chat Completions / Completions / Embeddings
 * (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`;
 * https://platform.openai.com/docs/api-reference/chat/object) and Responses
 * (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`,
 * `output_tokens_details.reasoning_tokens`;
 * https://platform.openai.com/docs/api-reference/responses/object). OpenAI's prompt
 * count already includes cached tokens and its completion count reasoning tokens, which
 * is Gatehouse's convention as it is.
 */
export function mergeOpenAIUsage(usage: unknown, into: Usage): void {
  const u = objectOf(usage);
  if (!u) return;
  into.promptTokens = tokenCount(u.prompt_tokens) ?? tokenCount(u.input_tokens) ?? into.promptTokens;
  into.completionTokens = tokenCount(u.completion_tokens) ?? tokenCount(u.output_tokens) ?? into.completionTokens;
  const input = objectOf(u.prompt_tokens_details) ?? objectOf(u.input_tokens_details);
  if (input) into.cachedTokens = tokenCount(input.cached_tokens) ?? into.cachedTokens;
  const output = objectOf(u.completion_tokens_details) ?? objectOf(u.output_tokens_details);
  if (output) into.reasoningTokens = tokenCount(output.reasoning_tokens) ?? into.reasoningTokens;
}

/** Reads `{ model, usage }` from a Chat Completions / Completions / Embeddings answer or chunk. */
export function readOpenAIUsage(body: unknown, into: Usage): void {
  const p = objectOf(body);
  if (!p) return;
  noteModel(into, p.model);
  mergeOpenAIUsage(p.usage, into);
}

/** Responses stream events that carry the whole response object (model; usage in the final ones). */
const RESPONSE_EVENTS = new Set(["response.created", "response.completed", "response.incomplete", "response.failed"]);

/**
 * One SSE event of an OpenAI-style stream, whichever endpoint it came from (a provider of
 * any OpenAI-style type serves `/chat/completions`, `/completions` and `/responses` alike):
 * - Chat Completions / Completions chunks (`data: {…}`; `[DONE]` ends the stream) carry the
 *   model; usage comes in the last chunk when `stream_options.include_usage` is set
 *   (https://platform.openai.com/docs/api-reference/chat-streaming/streaming);
 * - Responses events: `response.created` carries the model, and the last event,
 *   `response.completed` (or `response.incomplete` / `response.failed`), the usage, as
 *   `response.usage` (https://platform.openai.com/docs/api-reference/responses-streaming/response/completed).
 *   Some compatible servers leave out the `event:` line; the event then names itself in `type`.
 */
export function readOpenAISseUsage(event: string | undefined, data: string, into: Usage): void {
  if (event !== undefined && event.startsWith("response.")) {
    if (RESPONSE_EVENTS.has(event)) readOpenAIUsage(objectOf(parseJson(data))?.response, into);
    return;
  }
  if (data === "[DONE]") return;
  // Only the first event (for the model) and events that mention usage are worth parsing.
  const withUsage = data.includes('"usage"');
  if (into.model !== null && !withUsage) return;
  if (data.includes('"type":"response.')) {
    const parsed = objectOf(parseJson(data));
    if (typeof parsed?.type === "string" && RESPONSE_EVENTS.has(parsed.type)) readOpenAIUsage(parsed.response, into);
    return;
  }
  const chunk = parseJson(data);
  if (withUsage) {
    lastUsageChunkText = data;
    lastUsageChunk = chunk;
  }
  readOpenAIUsage(chunk, into);
}

// The SSE reader asks readOpenAISseUsage, then isOpenAIUsageOnlyChunk, about the same event
// (lib/gateway/stream-usage.ts): a chunk that mentions usage is parsed once for both.
let lastUsageChunkText: string | null = null;
let lastUsageChunk: unknown = null;

/**
 * The chunk `stream_options.include_usage` adds: `choices` empty, `usage` set
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
 */
export function isOpenAIUsageOnlyChunk(_event: string | undefined, data: string): boolean {
  if (!data.includes('"usage"') || !data.includes('"choices"')) return false;
  const chunk = objectOf(data === lastUsageChunkText ? lastUsageChunk : parseJson(data));
  lastUsageChunkText = null;
  lastUsageChunk = null;
  return chunk !== null && Array.isArray(chunk.choices) && chunk.choices.length === 0 && objectOf(chunk.usage) !== null;
}

/** True for the OpenAI endpoints that stream chat or text and take `stream_options`. */
export function isCompletionsPath(clientPath: string): boolean {
  return /\/(chat\/)?completions$/.test(clientPath);
}

/**
 * Asks a streaming Chat Completions / Completions call for usage when the client did not
 * (`stream_options.include_usage: true`), so every streamed call can be counted.
 */
export function injectStreamUsage(body: Record<string, unknown>, clientPath: string): BodyRewrite {
  if (body.stream !== true || !isCompletionsPath(clientPath)) return { changed: false, usageInjected: false };
  if (!Object.hasOwn(body, "stream_options")) {
    body.stream_options = { include_usage: true };
    return { changed: true, usageInjected: true, added: STREAM_USAGE_MEMBER };
  }
  const options = objectOf(body.stream_options);
  // Options that are not an object are the client's mistake: left for the upstream to refuse.
  if (options?.include_usage === true || (options === null && body.stream_options !== null)) return { changed: false, usageInjected: false };
  body.stream_options = { ...(options ?? {}), include_usage: true };
  return { changed: true, usageInjected: true };
}

const STREAM_USAGE_MEMBER = { stream_options: { include_usage: true } } as const;

/** OpenAI's error type for a status (https://platform.openai.com/docs/guides/error-codes). */
function openAIErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/** OpenAI's error shape, `{ error: { message, type, param, code } }`, which the `openai` SDKs read. */
export function openAIErrorBody(status: number, message: string, code: string): unknown {
  return { error: { message, type: openAIErrorType(status), param: null, code } };
}

/** `GET /v1/models` → `{ data: [{ id }] }` (https://platform.openai.com/docs/api-reference/models/list). */
export function openAIModelListing(): ProbeRequest & { readModels: (body: unknown) => FetchedModel[] } {
  return { method: "GET", clientPath: "/v1/models", readModels: (body) => readDataListing(body) };
}

/**
 * The wire members of a type that speaks OpenAI's API: usage injected into streamed
 * completions, usage read from `{ model, usage }` answers (a chat completion and a Responses
 * response object alike) and from Chat Completions chunks and Responses stream events,
 * errors in OpenAI's shape. Modules spread it and override what their API does otherwise.
 */
export const openAIWire = {
  inspectsRequestBody: (method: string, clientPath: string) => method === "POST" && isCompletionsPath(clientPath),
  prepareRequestBody: (body: Record<string, unknown>, ctx: RequestContext) => injectStreamUsage(body, ctx.clientPath),
  jsonUsageKeys: ["model", "usage"],
  readJsonUsage: readOpenAIUsage,
  readSseUsage: readOpenAISseUsage,
  readNdjsonUsage: () => {},
  isUsageOnlyEvent: isOpenAIUsageOnlyChunk,
  errorBody: openAIErrorBody,
} satisfies Pick<
  ApiTypeModule,
  "inspectsRequestBody" | "prepareRequestBody" | "jsonUsageKeys" | "readJsonUsage" | "readSseUsage" | "readNdjsonUsage" | "isUsageOnlyEvent" | "errorBody"
>;
