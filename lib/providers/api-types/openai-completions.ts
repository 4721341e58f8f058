import { baseUrlAndKey } from "./base-url";
import { openAIModelListing, openAIWire } from "./openai-shared";
import { allowHeaders, apiKeyHeader, joinVersionedPath } from "./shared";
import type { ApiTypeModule } from "./types";

/**
 * Any API that speaks OpenAI's Chat Completions: OpenAI, OpenRouter, vLLM, LM Studio,
 * Groq, Together, Zhipu (`…/api/paas/v4`), Gemini's `…/v1beta/openai`…
 * Wire facts: https://platform.openai.com/docs/api-reference/chat — key as
 * `Authorization: Bearer`, `OpenAI-Organization` / `OpenAI-Project` / `OpenAI-Beta`
 * headers pass through, errors as `{ error: { message, type, param, code } }`.
 */
export const openaiCompletions = {
  id: "openai-completions",
  label: "OpenAI-compatible",
  help: "OpenAI, or any API that speaks OpenAI's /chat/completions (OpenRouter, vLLM, LM Studio, Groq, Together…).",
  docs: "https://platform.openai.com/docs/api-reference/chat",

  ...baseUrlAndKey("https://api.openai.com/v1"),
  form: [
    {
      name: "baseUrl",
      label: "Base URL",
      kind: "url",
      required: true,
      placeholder: "https://api.openai.com/v1",
      hint: "As the provider documents it, up to its version: https://api.openai.com/v1, https://openrouter.ai/api/v1, http://vllm:8000/v1.",
    },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "sk-…", hint: "Sent as Authorization: Bearer. Optional for local servers that need none." },
  ],

  upstreamUrl: (provider, clientPath, search) => joinVersionedPath(provider.baseUrl, clientPath, search),
  forwardsRequestHeader: allowHeaders(["openai-organization", "openai-project", "openai-beta", "idempotency-key"]),
  authHeaders: apiKeyHeader("authorization", "Bearer"),
  ...openAIWire,

  probe: () => openAIModelListing(),
  listModels: () => openAIModelListing(),
} satisfies ApiTypeModule;
