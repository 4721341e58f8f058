import { asc, eq } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { asUuid } from "@/lib/db/ids";
import { providers, type Provider, type ProviderModel } from "@/lib/db/schema";
import { forgetGatewayProviders } from "@/lib/gateway/lookup-cache";
import { AppError, conflict, parseOrThrow, uniqueViolation, type FieldErrors } from "@/lib/errors";
import { detachRequestLogs } from "@/lib/usage/queries";
import { getApiType, isApiType, type ApiType, type ApiTypeModule, type SecretName, type UpstreamProvider } from "./api-types";
import { probeUpstream, type ProbeResult } from "./probe";
import { apiTypeOfSchema, createProviderSchema, modelsSchema, updateProviderSchema, type CreateProviderInput, type UpdateProviderInput } from "./schemas";

export type { UpstreamProvider };

/** What pages and the API see of a provider. Secrets appear only as "stored" plus their last four characters. */
export interface ProviderDTO {
  id: string;
  key: string;
  name: string;
  apiType: ApiType;
  /** The type's label (`Cloudflare AI Gateway`). */
  apiTypeLabel: string;
  baseUrl: string;
  /** The type's own non-secret fields, read back from what is stored (Cloudflare: accountId, gatewayId, authMode). */
  fields: Record<string, string>;
  /** Stored secrets by name: `last4` is null when the secret is too short to show any of it. Absent = not stored. */
  secrets: Partial<Record<SecretName, { last4: string | null }>>;
  hasApiKey: boolean;
  /** `provider-key/model-id`, as clients name them. */
  models: (ProviderModel & { qualifiedId: string })[];
  /** Where clients point an OpenAI SDK: `/gateway/<key>/v1`. */
  gatewayPath: string;
  createdAt: string;
  updatedAt: string;
}

/** Which column holds which secret. */
const SECRET_COLUMNS = { apiKey: "apiKeyEncrypted", gatewayToken: "gatewayTokenEncrypted" } as const satisfies Record<SecretName, keyof Provider>;

// Showing the end of a short secret would show most of it.
const MIN_LENGTH_FOR_LAST4 = 12;

function lastFour(sealed: string): string | null {
  try {
    const plain = openSecret(sealed);
    return plain.length >= MIN_LENGTH_FOR_LAST4 ? plain.slice(-4) : null;
  } catch {
    return null;
  }
}

function toDTO(p: Provider): ProviderDTO {
  const spec = getApiType(p.apiType);
  const secrets: ProviderDTO["secrets"] = {};
  for (const name of spec.secretFields) {
    const sealed = p[SECRET_COLUMNS[name]];
    if (sealed) secrets[name] = { last4: lastFour(sealed) };
  }
  return {
    id: p.id,
    key: p.key,
    name: p.name,
    apiType: p.apiType as ApiType,
    apiTypeLabel: spec.label,
    baseUrl: p.baseUrl,
    fields: spec.fromStored({ baseUrl: p.baseUrl, settings: p.settings }),
    secrets,
    hasApiKey: p.apiKeyEncrypted !== null,
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

/** Every provider, by name. Secrets only as "stored" and their last four characters. */
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

type Secrets = Partial<Record<SecretName, string>>;
/** name → plaintext to seal, or null to erase; names not listed stay as they are. */
type SecretChanges = Partial<Record<SecretName, string | null>>;

/**
 * Validates a provider's type fields and secrets together and works out what to store:
 * the base URL and settings from the type's module, which secrets to seal or erase, and
 * every secret the provider holds afterwards (`final`, for probes of unsaved drafts).
 * @throws {AppError} validation, with field errors (a secret typed that these settings do not use, a missing one they need).
 */
function planWrite(
  spec: ApiTypeModule,
  values: Record<string, unknown>,
  typed: SecretChanges,
  stored: Secrets,
): { baseUrl: string; settings: Record<string, string>; changes: SecretChanges; final: Secrets } {
  const final: Secrets = {};
  for (const name of spec.secretFields) {
    const value = typed[name] === undefined ? stored[name] : typed[name];
    if (typeof value === "string") final[name] = value;
  }
  const shape = spec.toStored(values, { cfAiGatewayOrigin: getConfig().cfAiGatewayOrigin, hasSecret: (n) => final[n] !== undefined });
  const inUse = spec.secretsInUse?.(shape) ?? spec.secretFields;
  const errors: FieldErrors = {};
  const changes: SecretChanges = {};
  for (const name of spec.secretFields) {
    if (inUse.includes(name)) {
      if (typed[name] !== undefined) changes[name] = typed[name];
      continue;
    }
    if (typeof typed[name] === "string") errors[name] = ["Not used with these settings: leave it empty"];
    if (stored[name] !== undefined) changes[name] = null;
    delete final[name];
  }
  for (const [field, message] of Object.entries(spec.checkSecrets?.(shape, (n) => final[n] !== undefined) ?? {})) if (message) (errors[field] ??= []).push(message);
  const fields = Object.keys(errors);
  if (fields.length > 0) throw new AppError("validation", `${fields[0]}: ${errors[fields[0]!]![0]}`, errors);
  return { baseUrl: shape.baseUrl, settings: shape.settings, changes, final };
}

/** Splits parsed input into the type's non-secret values and its typed secrets (`null` = remove). */
function splitSecrets(spec: ApiTypeModule, data: Record<string, unknown>): { values: Record<string, unknown>; typed: SecretChanges } {
  const values: Record<string, unknown> = {};
  const typed: SecretChanges = {};
  for (const name of Object.keys(spec.fields.shape)) {
    if ((spec.secretFields as readonly string[]).includes(name)) {
      const v = data[name];
      if (v === null || typeof v === "string") typed[name as SecretName] = v;
    } else if (data[name] !== undefined) {
      values[name] = data[name];
    }
  }
  return { values, typed };
}

function secretColumns(changes: SecretChanges): Partial<typeof providers.$inferInsert> {
  const out: Partial<typeof providers.$inferInsert> = {};
  for (const [name, value] of Object.entries(changes) as [SecretName, string | null][]) out[SECRET_COLUMNS[name]] = value === null ? null : sealSecret(value);
  return out;
}

function storedSecrets(row: Provider): Secrets {
  const out: Secrets = {};
  for (const name of Object.keys(SECRET_COLUMNS) as SecretName[]) {
    const sealed = row[SECRET_COLUMNS[name]];
    if (sealed) out[name] = openSecret(sealed);
  }
  return out;
}

/**
 * Creates a provider; secrets are sealed before they reach the database.
 * @throws {AppError} validation (naming each field), conflict (key taken).
 */
export async function createProvider(input: CreateProviderInput | unknown): Promise<ProviderDTO> {
  const { apiType } = parseOrThrow(apiTypeOfSchema, input);
  const spec = getApiType(apiType);
  const data = parseOrThrow(createProviderSchema(apiType), input) as Record<string, unknown> & { key: string; name: string; models?: ProviderModel[] };
  const { values, typed } = splitSecrets(spec, data);
  const plan = planWrite(spec, values, typed, {});
  const db = await getDb();
  try {
    const [row] = await db
      .insert(providers)
      .values({ key: data.key, name: data.name, apiType, baseUrl: plan.baseUrl, settings: plan.settings, models: data.models ?? [], ...secretColumns(plan.changes) })
      .returning();
    forgetGatewayProviders();
    return toDTO(row!);
  } catch (err) {
    rethrowUnique(err);
  }
}

/**
 * Edits a provider. Omitted fields (and blank secrets) stay as they are; `null` secrets
 * are removed; the merged result is validated as a whole, as on create.
 * @throws {AppError} not_found, validation (also when nothing would change), conflict (key taken).
 */
export async function updateProvider({ id, input }: { id: string; input: UpdateProviderInput | unknown }): Promise<ProviderDTO> {
  const db = await getDb();
  const [current] = await db.select().from(providers).where(eq(providers.id, asUuid(id))).limit(1);
  if (!current) throw new AppError("not_found", "No such provider");
  if (!isApiType(current.apiType)) throw new AppError("validation", `This provider's API type "${current.apiType}" is not one this Gatehouse knows`);
  const spec = getApiType(current.apiType);
  const data = parseOrThrow(updateProviderSchema(current.apiType), input) as Record<string, unknown>;
  const { values: changed, typed } = splitSecrets(spec, data);
  if (data.key === undefined && data.name === undefined && data.models === undefined && Object.keys(changed).length === 0 && Object.keys(typed).length === 0) {
    throw new AppError("validation", "Nothing to change: send at least one field to update");
  }

  const nonSecret = spec.fields.omit(Object.fromEntries(spec.secretFields.map((n) => [n, true])) as never);
  const merged = parseOrThrow(nonSecret, { ...spec.fromStored({ baseUrl: current.baseUrl, settings: current.settings }), ...changed }) as Record<string, unknown>;
  const plan = planWrite(spec, merged, typed, storedSecrets(current));

  const set: Partial<typeof providers.$inferInsert> = { updatedAt: new Date(), baseUrl: plan.baseUrl, settings: plan.settings, ...secretColumns(plan.changes) };
  if (data.key !== undefined) set.key = data.key as string;
  if (data.name !== undefined) set.name = data.name as string;
  if (data.models !== undefined) set.models = data.models as ProviderModel[];
  try {
    const [row] = await db.update(providers).set(set).where(eq(providers.id, current.id)).returning();
    if (!row) throw new AppError("not_found", "No such provider");
    forgetGatewayProviders();
    return toDTO(row);
  } catch (err) {
    rethrowUnique(err);
  }
}

/** Deletes a provider; its request logs stay, detached (provider id cleared), in the same transaction. @throws {AppError} not_found */
export async function deleteProvider({ id }: { id: string }): Promise<void> {
  const db = await getDb();
  const row = await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(providers).where(eq(providers.id, asUuid(id))).returning({ id: providers.id });
    if (deleted) await detachRequestLogs(tx, { providerId: deleted.id });
    return deleted;
  });
  forgetGatewayProviders();
  if (!row) throw new AppError("not_found", "No such provider");
}

/**
 * The gateway's lookup by `/gateway/<key>/`: the provider with its secrets opened; null
 * when there is no such provider. Never serialise the result.
 */
export async function getUpstreamProvider({ key }: { key: string }): Promise<UpstreamProvider | null> {
  const db = await getDb();
  const [row] = await db.select().from(providers).where(eq(providers.key, key)).limit(1);
  if (!row) return null;
  return { id: row.id, key: row.key, apiType: row.apiType, baseUrl: row.baseUrl, secrets: storedSecrets(row), settings: row.settings, models: row.models };
}

/** Fields a draft for Test or Fetch models does not need (and need not be valid yet). */
const DRAFT_IGNORED = ["key", "name", "models", "apiType", "id"];

/** Models typed in a draft when they parse, else `fallback` (a half-typed list must not stop a Test). */
function draftModels(spec: ApiTypeModule, models: unknown, fallback: ProviderModel[]): ProviderModel[] {
  if (models === undefined) return fallback;
  const parsed = modelsSchema(spec).safeParse(models);
  return parsed.success ? (parsed.data as ProviderModel[]) : fallback;
}

/**
 * A provider as it would be with `input` applied, without saving anything: the stored
 * one (`id`) with the typed fields over it (blank secrets = the stored ones), or, without
 * `id`, a new one from a create body (key and name not needed). For Test and Fetch
 * models before saving. Never serialise the result: it holds opened secrets.
 * @throws {AppError} not_found; validation (the type's fields, as on save)
 */
export async function draftUpstreamProvider({ id, input = {} }: { id?: string; input?: Record<string, unknown> }): Promise<UpstreamProvider> {
  const own = Object.fromEntries(Object.entries(input).filter(([k, v]) => !DRAFT_IGNORED.includes(k) && v !== undefined));
  if (id === undefined) {
    const { apiType } = parseOrThrow(apiTypeOfSchema, input);
    const spec = getApiType(apiType);
    const data = parseOrThrow(spec.fields, own) as Record<string, unknown>;
    const { values, typed } = splitSecrets(spec, data);
    const plan = planWrite(spec, values, typed, {});
    return { id: "draft", key: "draft", apiType, baseUrl: plan.baseUrl, secrets: plan.final, settings: plan.settings, models: draftModels(spec, input.models, []) };
  }
  const db = await getDb();
  const [current] = await db.select().from(providers).where(eq(providers.id, asUuid(id))).limit(1);
  if (!current) throw new AppError("not_found", "No such provider");
  if (!isApiType(current.apiType)) throw new AppError("validation", `This provider's API type "${current.apiType}" is not one this Gatehouse knows`);
  const spec = getApiType(current.apiType);
  const data = parseOrThrow(updateProviderSchema(current.apiType), own) as Record<string, unknown>;
  const { values: changed, typed } = splitSecrets(spec, data);
  const nonSecret = spec.fields.omit(Object.fromEntries(spec.secretFields.map((n) => [n, true])) as never);
  const merged = parseOrThrow(nonSecret, { ...spec.fromStored({ baseUrl: current.baseUrl, settings: current.settings }), ...changed }) as Record<string, unknown>;
  const plan = planWrite(spec, merged, typed, storedSecrets(current));
  return { id: current.id, key: current.key, apiType: current.apiType, baseUrl: plan.baseUrl, secrets: plan.final, settings: plan.settings, models: draftModels(spec, input.models, current.models) };
}

/**
 * The Test button: probes the provider (stored, or with typed-but-unsaved fields over it;
 * see {@link draftUpstreamProvider}) through the gateway's URL and credentials.
 * `kind: "list"` asks for the upstream's model listing (Fetch models).
 * @returns `{ ok, status, latencyMs, models, message }` (see `probe.ts`); upstream
 *   trouble is a result with `ok: false`, not an error.
 * @throws {AppError} not_found, validation (the typed fields)
 */
export async function testProvider({ id, input, kind = "probe" }: { id?: string; input?: Record<string, unknown>; kind?: "probe" | "list" }): Promise<ProbeResult> {
  return probeUpstream(await draftUpstreamProvider({ id, input }), kind);
}
