import { anthropicMessages } from "./anthropic-messages";
import { azureOpenai } from "./azure-openai";
import { cloudflareAiGateway } from "./cloudflare-ai-gateway";
import { googleGenerativeAi } from "./google-generative-ai";
import { ollama } from "./ollama";
import { openaiCompletions } from "./openai-completions";
import { openaiResponses } from "./openai-responses";
import type { ApiTypeModule } from "./types";

/**
 * Every API type Gatehouse speaks, in the order the form lists them. Adding a type means
 * adding its module (and its tests) and one line here; nothing else branches on types.
 */
const REGISTRY = {
  "openai-completions": openaiCompletions,
  "openai-responses": openaiResponses,
  "anthropic-messages": anthropicMessages,
  "google-generative-ai": googleGenerativeAi,
  "azure-openai": azureOpenai,
  "ollama": ollama,
  "cloudflare-ai-gateway": cloudflareAiGateway,
} satisfies Record<string, ApiTypeModule>;

export type ApiType = keyof typeof REGISTRY;

/** Type ids, in form order. */
export const API_TYPES = Object.keys(REGISTRY) as [ApiType, ...ApiType[]];

/** Every module, in form order. */
export const API_TYPE_MODULES: readonly ApiTypeModule[] = Object.values(REGISTRY);

/** True when `id` names a registered type. */
export function isApiType(id: string): id is ApiType {
  return Object.hasOwn(REGISTRY, id);
}

/**
 * The module for a provider's stored `api_type`.
 * @throws {Error} for an id no module has (a row written by a newer Gatehouse, or edited by hand).
 */
export function getApiType(id: string): ApiTypeModule {
  if (!isApiType(id)) throw new Error(`unknown API type "${id}"`);
  return REGISTRY[id];
}

export { CREDENTIAL_HEADERS } from "./shared";
export { emptyUsage, UpstreamRefusal } from "./types";
export type { ApiTypeModule, BodyRewrite, FetchedModel, FormField, ProbeRequest, RequestContext, SecretName, UpstreamProvider, Usage } from "./types";
