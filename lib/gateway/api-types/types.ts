import type { ApiType } from "@/lib/providers/schemas";
import type { UpstreamProvider } from "@/lib/providers/queries";

/** Token counts read from an upstream answer. */
export interface Usage {
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
}

/**
 * What the gateway needs to know about one upstream API type. One module per type in
 * this folder, all registered in `index.ts` (the shape of Portkey's provider adapters).
 */
export interface ApiTypeAdapter {
  id: ApiType;
  /** Upstream URL for the client's path (after `/gateway/<key>`, starting with `/`) and query (`?…` or ""). */
  upstreamUrl(baseUrl: string, clientPath: string, search: string): string;
  /** Sets the provider's real credential on the outgoing headers (incoming ones are already gone). */
  authorize(headers: Headers, provider: UpstreamProvider): void;
  /** Reads usage from a JSON body or one SSE event's data, merging into `into`. */
  readUsage(payload: unknown, into: Usage): void;
  /** An error body in the shape this API's SDKs parse. */
  errorBody(status: number, message: string, code: string): unknown;
}
