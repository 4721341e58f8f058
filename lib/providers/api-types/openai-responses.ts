import { openaiCompletions } from "./openai-completions";
import { readOpenAISseUsage, readOpenAIUsage } from "./openai-shared";
import { objectOf, parseJson } from "./shared";
import type { ApiTypeModule, Usage } from "./types";

/**
 * OpenAI's Responses API, `POST /v1/responses`
 * (https://platform.openai.com/docs/api-reference/responses/create), alongside the rest of
 * OpenAI's API (chat, embeddings, models) on the same base. Usage: the response object's
 * `usage` (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`,
 * `output_tokens_details.reasoning_tokens`;
 * https://platform.openai.com/docs/api-reference/responses/object); a stream's usage
 * arrives in its last event, `response.completed` (or `response.incomplete` /
 * `response.failed`), as `response.usage`
 * (https://platform.openai.com/docs/api-reference/responses-streaming/response/completed).
 * Streams always carry usage, so nothing is injected for `/responses`.
 */

/** Stream events that carry the whole response object (model, and usage in the final ones). */
const RESPONSE_EVENTS = new Set(["response.created", "response.completed", "response.incomplete", "response.failed"]);

function readSseUsage(event: string | undefined, data: string, into: Usage): void {
  if (event !== undefined && event.startsWith("response.")) {
    if (!RESPONSE_EVENTS.has(event)) return;
    readOpenAIUsage(objectOf(parseJson(data))?.response, into);
    return;
  }
  // Events without an `event:` line: Chat Completions chunks, or a Responses event that
  // names itself only in `type` (some compatible servers).
  if (data.includes('"type":"response.')) {
    const parsed = objectOf(parseJson(data));
    if (typeof parsed?.type === "string" && RESPONSE_EVENTS.has(parsed.type)) readOpenAIUsage(parsed.response, into);
    return;
  }
  readOpenAISseUsage(event, data, into);
}

/**
 * The OpenAI-compatible type's wire (base URL, headers, key, usage injection, errors,
 * models listing), with its own form and the Responses stream events read as well.
 */
export const openaiResponses = {
  ...openaiCompletions,
  id: "openai-responses",
  label: "OpenAI Responses",
  help: "OpenAI's Responses API (/v1/responses) with its cached and reasoning token counts, plus chat, embeddings and models on the same base.",
  docs: "https://platform.openai.com/docs/api-reference/responses",

  form: [
    {
      name: "baseUrl",
      label: "Base URL",
      kind: "url",
      required: true,
      placeholder: "https://api.openai.com/v1",
      hint: "Up to the API's version, as OpenAI documents it: https://api.openai.com/v1.",
    },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "sk-…", hint: "Sent as Authorization: Bearer." },
  ],

  // A response object and a chat completion both keep `model` and `usage` at the top, so
  // OpenAI's JSON reader serves; streams add the Responses events.
  readSseUsage,
} satisfies ApiTypeModule;
