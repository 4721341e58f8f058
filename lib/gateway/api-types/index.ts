import type { ApiType } from "@/lib/providers/schemas";
import { cloudflareAiGateway } from "./cloudflare-ai-gateway";
import { openaiCompletions } from "./openai-completions";
import type { ApiTypeAdapter } from "./types";

const REGISTRY: Record<ApiType, ApiTypeAdapter> = {
  "openai-completions": openaiCompletions,
  "cloudflare-ai-gateway": cloudflareAiGateway,
};

/** The adapter for a provider's API type. */
export function getApiType(id: ApiType): ApiTypeAdapter {
  return REGISTRY[id];
}

export type { ApiTypeAdapter, Usage } from "./types";
