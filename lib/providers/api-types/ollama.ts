import { baseUrlAndKey } from "./base-url";
import { openAIErrorBody, openAIWire, readOpenAIUsage } from "./openai-shared";
import { allowHeaders, apiKeyHeader, noteModel, objectOf, parseJson, positiveInt, readModelList, tokenCount } from "./shared";
import type { ApiTypeModule, FetchedModel, ProbeRequest, Usage } from "./types";

/**
 * Ollama (https://github.com/ollama/ollama/blob/main/docs/api.md): a root such as
 * `http://host:11434` serving its native API (`/api/chat`, `/api/generate`, `/api/embed`,
 * `/api/tags`) and its OpenAI-compatible routes under `/v1`
 * (https://github.com/ollama/ollama/blob/main/docs/openai.md). The base may be typed with
 * or without `/v1`: both mean the root, so `/api/chat`, `/v1/chat/completions` and
 * `/v1/models` go to the same place (never `/v1/v1` or `/v1/api`).
 *
 * Usage: native answers and the final `done: true` line of a native NDJSON stream carry
 * `prompt_eval_count` (input) and `eval_count` (output); the `/v1` routes answer in
 * OpenAI's shapes. Errors: native `{ "error": "…" }`, OpenAI's shape under `/v1`.
 * Ollama needs no key; one set here goes as `Authorization: Bearer` (a proxy in front, or ollama.com).
 */

/** `http://host:11434/v1/` → `http://host:11434`. */
export function ollamaRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

function upstreamUrl(baseUrl: string, clientPath: string, search: string): string {
  const root = ollamaRoot(baseUrl);
  let path = clientPath !== "" && !clientPath.startsWith("/") ? `/${clientPath}` : clientPath;
  // An OpenAI client whose base URL lacks /v1 sends /chat/completions: that is Ollama's /v1.
  if (path !== "" && !/^\/(api|v1)(\/|$)/.test(path)) path = `/v1${path}`;
  return `${root}${path}${search}`;
}

/** Reads a native answer or a native stream's final line (`done: true`). */
function readNative(body: Record<string, unknown>, into: Usage): void {
  noteModel(into, body.model);
  into.promptTokens = tokenCount(body.prompt_eval_count) ?? into.promptTokens;
  into.completionTokens = tokenCount(body.eval_count) ?? into.completionTokens;
}

function readJsonUsage(body: unknown, into: Usage): void {
  const b = objectOf(body);
  if (!b) return;
  if ("prompt_eval_count" in b || "eval_count" in b || "done" in b) readNative(b, into);
  else readOpenAIUsage(b, into);
}

function readNdjsonUsage(line: string, into: Usage): void {
  // Every line names the model; only the last (`"done":true`) has counts worth parsing.
  if (into.model !== null && !line.includes('"done":true') && !line.includes('"done": true')) return;
  const b = objectOf(parseJson(line));
  if (b) readNative(b, into);
}

/** `GET /api/tags` → `{ models: [{ name, model, details }] }` (https://github.com/ollama/ollama/blob/main/docs/api.md#list-local-models). */
function modelListing(): ProbeRequest & { readModels: (body: unknown) => FetchedModel[] } {
  return {
    method: "GET",
    clientPath: "/api/tags",
    readModels: (body) =>
      readModelList(objectOf(body)?.models, (m) => {
        const id = typeof m.model === "string" && m.model !== "" ? m.model : typeof m.name === "string" ? m.name : "";
        if (id === "") return null;
        const context = positiveInt(objectOf(m.details)?.context_length);
        return context ? { id, contextWindow: context } : { id };
      }),
  };
}

export const ollama = {
  id: "ollama",
  label: "Ollama",
  help: "An Ollama server: its native /api/chat and /api/generate, and its OpenAI-compatible /v1 routes. Loopback and private addresses may use http.",
  docs: "https://github.com/ollama/ollama/blob/main/docs/api.md",

  ...baseUrlAndKey("http://127.0.0.1:11434"),
  form: [
    { name: "baseUrl", label: "Base URL", kind: "url", required: true, placeholder: "http://127.0.0.1:11434", hint: "The server's root, with or without /v1: http://ollama:11434." },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "Optional", hint: "Only for a server behind an authenticating proxy, or ollama.com; sent as Authorization: Bearer." },
  ],

  upstreamUrl: (provider, clientPath, search) => upstreamUrl(provider.baseUrl, clientPath, search),
  forwardsRequestHeader: allowHeaders([]),
  authHeaders: apiKeyHeader("authorization", "Bearer"),
  // OpenAI's wire for the /v1 routes; the native API's usage and errors besides.
  ...openAIWire,
  jsonUsageKeys: ["model", "usage", "prompt_eval_count", "eval_count", "done"],
  readJsonUsage,
  readNdjsonUsage,
  errorBody: (status, message, code, clientPath) => (clientPath !== undefined && /^\/api(\/|$)/.test(clientPath) ? { error: message } : openAIErrorBody(status, message, code)),

  probe: () => modelListing(),
  listModels: () => modelListing(),
} satisfies ApiTypeModule;
