import { openaiCompletions } from "./openai-completions";
import type { ApiTypeModule } from "./types";

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

/**
 * The OpenAI-compatible type's wire (base URL, headers, key, usage injection, usage read
 * from chat chunks and Responses events alike, errors, models listing), with its own form.
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
} satisfies ApiTypeModule;
