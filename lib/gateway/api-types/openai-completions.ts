import { joinUpstreamUrl, openAIErrorBody, readOpenAIUsage } from "./openai-shared";
import type { ApiTypeAdapter } from "./types";

/** Any OpenAI-compatible API: OpenAI, vLLM, LM Studio, OpenRouter, … Key as `Authorization: Bearer`. */
export const openaiCompletions: ApiTypeAdapter = {
  id: "openai-completions",
  upstreamUrl: (baseUrl, clientPath, search) => joinUpstreamUrl(baseUrl, clientPath, search),
  authorize(headers, provider) {
    if (provider.apiKey) headers.set("authorization", `Bearer ${provider.apiKey}`);
  },
  readUsage: readOpenAIUsage,
  errorBody: openAIErrorBody,
};
