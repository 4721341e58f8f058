import { asc } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { providers, type ProviderModel } from "@/lib/db/schema";
import { listKeys, type Actor } from "@/lib/keys/queries";
import { getApiType, isApiType } from "./api-types";

/** One provider in the model catalogue: what a signed-in user may call, and at what price. No credentials. */
export interface CatalogueEntry {
  key: string;
  name: string;
  apiTypeLabel: string;
  /** `/gateway/<key>`: clients add the type's own paths (`/v1/chat/completions`, `/v1/messages`…). */
  gatewayPath: string;
  /** Ids exactly as clients send them as `model`; prices in USD per million tokens, limits in tokens. */
  models: ProviderModel[];
}

/**
 * The models of the providers `actor` may call: for a user, those their active virtual
 * keys allow (a key with no provider list allows every provider); for an admin, every
 * provider. Empty when the user holds no active key.
 */
export async function listCatalogue({ actor }: { actor: Actor }): Promise<CatalogueEntry[]> {
  let allowed: Set<string> | "all" = "all";
  if (actor.role !== "admin") {
    const active = (await listKeys({ actor })).filter((k) => k.status === "active");
    if (active.length === 0) return [];
    allowed = active.some((k) => k.allowedProviders.length === 0) ? "all" : new Set(active.flatMap((k) => k.allowedProviders));
  }
  const db = await getDb();
  const rows = await db
    .select({ key: providers.key, name: providers.name, apiType: providers.apiType, models: providers.models })
    .from(providers)
    .orderBy(asc(providers.name));
  return rows
    .filter((r) => allowed === "all" || allowed.has(r.key))
    .map((r) => ({
      key: r.key,
      name: r.name,
      apiTypeLabel: isApiType(r.apiType) ? getApiType(r.apiType).label : r.apiType,
      gatewayPath: `/gateway/${r.key}`,
      models: r.models,
    }));
}
