import { asc, eq } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { providers, type Provider, type ProviderModel } from "@/lib/db/schema";
import { AppError, conflict, parseOrThrow, uniqueViolation } from "@/lib/errors";
import { asUuid } from "@/lib/db/ids";
import { buildCompatBaseUrl, parseCompatBaseUrl } from "./cloudflare-ai-gateway";
import { createProviderSchema, updateProviderSchema, type ApiType, type CreateProviderInput, type UpdateProviderInput } from "./schemas";

/** What pages and the API see of a provider. Secrets appear only as "is set". */
export interface ProviderDTO {
  id: string;
  key: string;
  name: string;
  apiType: ApiType;
  baseUrl: string;
  /** cloudflare-ai-gateway only: parsed back out of `baseUrl`. */
  accountId: string | null;
  gatewayId: string | null;
  hasApiKey: boolean;
  hasGatewayToken: boolean;
  /** `provider-key/model-id`, as clients name them. */
  models: (ProviderModel & { qualifiedId: string })[];
  /** Where clients point an OpenAI SDK: `/gateway/<key>/v1`. */
  gatewayPath: string;
  createdAt: string;
  updatedAt: string;
}

function toDTO(p: Provider): ProviderDTO {
  const cf = p.apiType === "cloudflare-ai-gateway" ? parseCompatBaseUrl(p.baseUrl) : null;
  return {
    id: p.id,
    key: p.key,
    name: p.name,
    apiType: p.apiType as ApiType,
    baseUrl: p.baseUrl,
    accountId: cf?.accountId ?? null,
    gatewayId: cf?.gatewayId ?? null,
    hasApiKey: p.apiKeyEncrypted !== null,
    hasGatewayToken: p.gatewayTokenEncrypted !== null,
    models: p.models.map((m) => ({ ...m, qualifiedId: `${p.key}/${m.id}` })),
    gatewayPath: `/gateway/${p.key}/v1`,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function rethrowUnique(err: unknown): never {
  if (uniqueViolation(err) !== null) throw conflict("key", "Another provider already uses this key");
  throw err;
}

export async function listProviders(): Promise<ProviderDTO[]> {
  const db = await getDb();
  const rows = await db.select().from(providers).orderBy(asc(providers.name));
  return rows.map(toDTO);
}

/** @throws {AppError} not_found */
export async function getProviderById({ id }: { id: string }): Promise<ProviderDTO> {
  const db = await getDb();
  const [row] = await db.select().from(providers).where(eq(providers.id, asUuid(id))).limit(1);
  if (!row) throw new AppError("not_found", "No such provider");
  return toDTO(row);
}

/**
 * Creates a provider; secrets are sealed before they reach the database.
 * @throws {AppError} validation, conflict (key taken).
 */
export async function createProvider(input: CreateProviderInput | unknown): Promise<ProviderDTO> {
  const data = parseOrThrow(createProviderSchema, input);
  const baseUrl = data.apiType === "cloudflare-ai-gateway" ? buildCompatBaseUrl(getConfig().cfAiGatewayOrigin, data.accountId, data.gatewayId) : data.baseUrl;
  const db = await getDb();
  try {
    const [row] = await db
      .insert(providers)
      .values({
        key: data.key,
        name: data.name,
        apiType: data.apiType,
        baseUrl,
        apiKeyEncrypted: data.apiKey ? sealSecret(data.apiKey) : null,
        gatewayTokenEncrypted: data.apiType === "cloudflare-ai-gateway" && data.gatewayToken ? sealSecret(data.gatewayToken) : null,
        models: data.models,
      })
      .returning();
    return toDTO(row!);
  } catch (err) {
    rethrowUnique(err);
  }
}

/**
 * Edits a provider. Omitted fields (and blank secrets) stay as they are; `null` secrets are removed.
 * @throws {AppError} not_found, validation, conflict (key taken).
 */
export async function updateProvider({ id, input }: { id: string; input: UpdateProviderInput | unknown }): Promise<ProviderDTO> {
  const data = parseOrThrow(updateProviderSchema, input);
  const db = await getDb();
  const [current] = await db.select().from(providers).where(eq(providers.id, asUuid(id))).limit(1);
  if (!current) throw new AppError("not_found", "No such provider");

  const set: Partial<typeof providers.$inferInsert> = { updatedAt: new Date() };
  if (data.key !== undefined) set.key = data.key;
  if (data.name !== undefined) set.name = data.name;
  if (data.models !== undefined) set.models = data.models;
  if (current.apiType === "cloudflare-ai-gateway") {
    if (data.baseUrl !== undefined) {
      throw new AppError("validation", "baseUrl: a Cloudflare AI Gateway provider is set by Account ID and Gateway", {
        baseUrl: ["Set Account ID and Gateway instead"],
      });
    }
    if (data.accountId !== undefined || data.gatewayId !== undefined) {
      const parsed = parseCompatBaseUrl(current.baseUrl);
      const accountId = data.accountId ?? parsed?.accountId;
      const gatewayId = data.gatewayId ?? parsed?.gatewayId;
      if (!accountId || !gatewayId) throw new AppError("validation", "Send both accountId and gatewayId", { accountId: ["Required"], gatewayId: ["Required"] });
      set.baseUrl = buildCompatBaseUrl(getConfig().cfAiGatewayOrigin, accountId, gatewayId);
    }
    if (data.gatewayToken !== undefined) set.gatewayTokenEncrypted = data.gatewayToken === null ? null : sealSecret(data.gatewayToken);
  } else {
    if (data.accountId !== undefined || data.gatewayId !== undefined || data.gatewayToken) {
      throw new AppError("validation", "accountId, gatewayId and gatewayToken apply to Cloudflare AI Gateway providers only");
    }
    if (data.baseUrl !== undefined) set.baseUrl = data.baseUrl;
  }
  if (data.apiKey !== undefined) set.apiKeyEncrypted = data.apiKey === null ? null : sealSecret(data.apiKey);

  try {
    const [row] = await db.update(providers).set(set).where(eq(providers.id, current.id)).returning();
    if (!row) throw new AppError("not_found", "No such provider");
    return toDTO(row);
  } catch (err) {
    rethrowUnique(err);
  }
}

/** Deletes a provider; its request logs stay, detached. @throws {AppError} not_found */
export async function deleteProvider({ id }: { id: string }): Promise<void> {
  const db = await getDb();
  const [row] = await db.delete(providers).where(eq(providers.id, asUuid(id))).returning({ id: providers.id });
  if (!row) throw new AppError("not_found", "No such provider");
}

/** A provider with its credentials opened, for the gateway only. Never serialise it. */
export interface UpstreamProvider {
  id: string;
  key: string;
  apiType: ApiType;
  baseUrl: string;
  apiKey: string | null;
  gatewayToken: string | null;
  models: ProviderModel[];
}

/** The gateway's lookup by `/gateway/<key>/`; null when there is no such provider. */
export async function getUpstreamProvider({ key }: { key: string }): Promise<UpstreamProvider | null> {
  const db = await getDb();
  const [row] = await db.select().from(providers).where(eq(providers.key, key)).limit(1);
  if (!row) return null;
  return {
    id: row.id,
    key: row.key,
    apiType: row.apiType as ApiType,
    baseUrl: row.baseUrl,
    apiKey: row.apiKeyEncrypted ? openSecret(row.apiKeyEncrypted) : null,
    gatewayToken: row.gatewayTokenEncrypted ? openSecret(row.gatewayTokenEncrypted) : null,
    models: row.models,
  };
}
