import { joinUpstreamUrl, openAIErrorBody, readOpenAIUsage } from "./openai-shared";
import type { ApiTypeAdapter } from "./types";

/**
 * Cloudflare AI Gateway's OpenAI-compatible `/compat` endpoint
 * (https://developers.cloudflare.com/ai-gateway/usage/chat-completion/).
 * The base stands in for `/v1`, so the client's leading `/v1` is dropped.
 * Provider key (BYOK in the request) as `Authorization: Bearer`; for authenticated
 * gateways the Cloudflare token goes in `cf-aig-authorization: Bearer …`
 * (https://developers.cloudflare.com/ai-gateway/configuration/authentication/).
 */
export const cloudflareAiGateway: ApiTypeAdapter = {
  id: "cloudflare-ai-gateway",
  upstreamUrl: (baseUrl, clientPath, search) => joinUpstreamUrl(baseUrl, clientPath, search, { baseReplacesV1: true }),
  authorize(headers, provider) {
    if (provider.apiKey) headers.set("authorization", `Bearer ${provider.apiKey}`);
    if (provider.gatewayToken) headers.set("cf-aig-authorization", `Bearer ${provider.gatewayToken}`);
  },
  readUsage: readOpenAIUsage,
  errorBody: openAIErrorBody,
};
