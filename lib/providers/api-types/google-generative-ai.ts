import { baseUrlAndKey } from "./base-url";
import { allowHeaders, apiKeyHeader, bodyUntouched, joinAfterVersion, noteModel, objectOf, parseJson, positiveInt, readModelList, sumCounts, tokenCount } from "./shared";
import type { ApiTypeModule, FetchedModel, ProbeRequest, Usage } from "./types";

/**
 * Google's Gemini API (https://ai.google.dev/api/generate-content): base
 * `https://generativelanguage.googleapis.com`; clients send
 * `/v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`; the key
 * goes as `x-goog-api-key` (https://ai.google.dev/gemini-api/docs/api-key).
 *
 * Usage: `usageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata):
 * `promptTokenCount` (cached included), `cachedContentTokenCount`, `candidatesTokenCount`,
 * `thoughtsTokenCount` (thinking, reported apart from the candidates: added to the
 * completion here). Streamed chunks repeat the running `usageMetadata`; the last wins.
 * Without `alt=sse` a stream is one JSON array of chunks.
 * Errors: `{ error: { code, message, status } }` (https://ai.google.dev/gemini-api/docs/troubleshooting).
 */

function readUsageMetadata(chunk: unknown, into: Usage): void {
  const c = objectOf(chunk);
  if (!c) return;
  noteModel(into, c.modelVersion);
  const u = objectOf(c.usageMetadata);
  if (!u) return;
  into.promptTokens = tokenCount(u.promptTokenCount) ?? into.promptTokens;
  into.cachedTokens = tokenCount(u.cachedContentTokenCount) ?? into.cachedTokens;
  const candidates = tokenCount(u.candidatesTokenCount);
  const thoughts = tokenCount(u.thoughtsTokenCount);
  if (candidates !== null || thoughts !== null) into.completionTokens = sumCounts(candidates, thoughts);
  if (thoughts !== null) into.reasoningTokens = thoughts;
}

function readJsonUsage(body: unknown, into: Usage): void {
  // A stream without alt=sse is one JSON array; its last chunk has the final counts.
  if (Array.isArray(body)) for (const chunk of body) readUsageMetadata(chunk, into);
  else readUsageMetadata(body, into);
}

/** Google's status name for an HTTP status (https://cloud.google.com/apis/design/errors#handling_errors). */
function googleStatus(status: number): string {
  if (status === 400) return "INVALID_ARGUMENT";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RESOURCE_EXHAUSTED";
  if (status === 503) return "UNAVAILABLE";
  if (status === 504) return "DEADLINE_EXCEEDED";
  if (status >= 500) return "INTERNAL";
  return "FAILED_PRECONDITION";
}

/** `GET /v1beta/models` → `{ models: [{ name: "models/…", displayName, inputTokenLimit, outputTokenLimit }] }` (https://ai.google.dev/api/models#method:-models.list). */
function modelListing(): ProbeRequest & { readModels: (body: unknown) => FetchedModel[] } {
  return {
    method: "GET",
    clientPath: "/v1beta/models",
    search: "?pageSize=1000",
    readModels: (body) =>
      readModelList(objectOf(body)?.models, (m) => {
        if (typeof m.name !== "string") return null;
        const methods = Array.isArray(m.supportedGenerationMethods) ? m.supportedGenerationMethods : null;
        if (methods && !methods.includes("generateContent")) return null;
        const id = m.name.replace(/^models\//, "");
        if (id === "") return null;
        const model: FetchedModel = { id };
        if (typeof m.displayName === "string" && m.displayName !== "") model.displayName = m.displayName;
        const context = positiveInt(m.inputTokenLimit);
        if (context) model.contextWindow = context;
        const max = positiveInt(m.outputTokenLimit);
        if (max) model.maxTokens = max;
        return model;
      }),
  };
}

export const googleGenerativeAi = {
  id: "google-generative-ai",
  label: "Google Gemini",
  help: "Google's Gemini API (generateContent, streamGenerateContent), with cached and thinking tokens counted. For its OpenAI-compatible endpoint use OpenAI-compatible with …/v1beta/openai.",
  docs: "https://ai.google.dev/api/generate-content",

  ...baseUrlAndKey("https://generativelanguage.googleapis.com"),
  form: [
    {
      name: "baseUrl",
      label: "Base URL",
      kind: "url",
      required: true,
      placeholder: "https://generativelanguage.googleapis.com",
      hint: "Google's is https://generativelanguage.googleapis.com (clients add /v1beta/models/…).",
    },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "AIza…", hint: "Sent as x-goog-api-key." },
  ],

  // A base typed as `…/v1beta` stands for the client's version segment.
  upstreamUrl: (provider, clientPath, search) => joinAfterVersion(provider.baseUrl, clientPath, search),
  forwardsRequestHeader: allowHeaders(["x-goog-api-client"]),
  authHeaders: apiKeyHeader("x-goog-api-key"),
  ...bodyUntouched,

  jsonUsageKeys: ["modelVersion", "usageMetadata"],
  readJsonUsage,
  readSseUsage: (_event, data, into) => readUsageMetadata(parseJson(data), into),
  readNdjsonUsage: () => {},
  isUsageOnlyEvent: () => false,
  errorBody: (status: number, message: string, _code: string) => ({ error: { code: status, message, status: googleStatus(status) } }),

  probe: () => modelListing(),
  listModels: () => modelListing(),
} satisfies ApiTypeModule;
