import { and, desc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { randomToken, sha256Hex } from "@/lib/crypto/tokens";
import { getDb } from "@/lib/db/client";
import { asUuid } from "@/lib/db/ids";
import { providers, users, virtualKeys } from "@/lib/db/schema";
import { AppError, parseOrThrow } from "@/lib/errors";
import { getLimits, getLimitsOf, getSpendNow, setLimits, type SpendNow } from "@/lib/limits/queries";
import { forgetCachedLimits } from "@/lib/limits/admission";
import { limitsPatch, NO_LIMITS, type Limits } from "@/lib/limits/schemas";
import { createKeySchema, updateKeySchema, type CreateKeyInput, type UpdateKeyInput } from "./schemas";
import { forgetGatewayKeys } from "@/lib/gateway/lookup-cache";

/** Virtual keys look like OpenAI's (`sk-…`) so SDKs and tools take them without complaint. */
export const VIRTUAL_KEY_PREFIX = "sk-gh-";

export interface VirtualKeyDTO {
  id: string;
  name: string;
  /** e.g. `sk-gh-Ab3d…x9Qz`: enough to recognise, useless to use. */
  displayKey: string;
  userId: string;
  username: string;
  allowedProviders: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  status: "active" | "revoked" | "expired";
  /** Budget and rate limits of this key (all null = none). */
  limits: Limits;
  /** Spend in the budget's current period (a month without a budget) and calls in the last minute. */
  spend: SpendNow;
}

/** Who is acting: owners see and revoke their own keys; admins, everyone's. */
export interface Actor {
  userId: string;
  role: "admin" | "user";
}

const columns = {
  id: virtualKeys.id,
  name: virtualKeys.name,
  displayPrefix: virtualKeys.displayPrefix,
  userId: virtualKeys.userId,
  username: users.username,
  allowedProviders: virtualKeys.allowedProviders,
  expiresAt: virtualKeys.expiresAt,
  revokedAt: virtualKeys.revokedAt,
  lastUsedAt: virtualKeys.lastUsedAt,
  createdAt: virtualKeys.createdAt,
};

interface Row {
  id: string;
  name: string;
  displayPrefix: string;
  userId: string;
  username: string;
  allowedProviders: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

function toDTO(r: Row, limits: Limits = NO_LIMITS, spend: SpendNow = { period: "month", spentUsd: 0, requestsLastMinute: 0 }): VirtualKeyDTO {
  const now = Date.now();
  return {
    id: r.id,
    name: r.name,
    displayKey: r.displayPrefix,
    userId: r.userId,
    username: r.username,
    allowedProviders: r.allowedProviders,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    status: r.revokedAt ? "revoked" : r.expiresAt && r.expiresAt.getTime() <= now ? "expired" : "active",
    limits,
    spend,
  };
}

/** DTOs with each key's limits and current spend (two queries for all rows). */
async function withLimits(rows: Row[]): Promise<VirtualKeyDTO[]> {
  const ids = rows.map((r) => r.id);
  const limits = await getLimitsOf({ scope: "key", ids });
  const periods = new Map([...limits].map(([id, l]) => [id, l.budgetPeriod ?? "month"] as const));
  const spend = await getSpendNow({ scope: "key", ids, periods });
  return rows.map((r) => toDTO(r, limits.get(r.id) ?? NO_LIMITS, spend.get(r.id)));
}

/** Keys the actor may see, newest first: their own, or (admins) all. */
export async function listKeys({ actor }: { actor: Actor }): Promise<VirtualKeyDTO[]> {
  const db = await getDb();
  const query = db.select(columns).from(virtualKeys).innerJoin(users, eq(users.id, virtualKeys.userId));
  const rows = await (actor.role === "admin" ? query : query.where(eq(virtualKeys.userId, actor.userId))).orderBy(desc(virtualKeys.createdAt));
  return withLimits(rows);
}

/**
 * Issues a virtual key. The secret is returned here once and stored only as SHA-256.
 * @returns the key's DTO and `secret` (`sk-gh-` + 43 base64url characters, 256 bits).
 * @throws {AppError} validation; forbidden when a non-admin issues a key to someone else.
 */
export async function createKey({ actor, input }: { actor: Actor; input: CreateKeyInput | unknown }): Promise<{ key: VirtualKeyDTO; secret: string }> {
  const data = parseOrThrow(createKeySchema, input);
  const limits = limitsPatch(input, NO_LIMITS);
  const ownerId = data.userId ?? actor.userId;
  if (ownerId !== actor.userId && actor.role !== "admin") throw new AppError("forbidden", "Only admins can issue keys to other users");
  const secret = VIRTUAL_KEY_PREFIX + randomToken(32);
  const displayPrefix = `${secret.slice(0, VIRTUAL_KEY_PREFIX.length + 4)}…${secret.slice(-4)}`;
  const db = await getDb();
  const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.id, asUuid(ownerId))).limit(1);
  if (!owner) throw new AppError("validation", "userId: Unknown user", { userId: ["Unknown user"] });
  await assertProvidersExist(data.allowedProviders);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(virtualKeys)
      .values({ name: data.name, keyHash: sha256Hex(secret), displayPrefix, userId: owner.id, allowedProviders: data.allowedProviders, expiresAt: data.expiresAt ?? null })
      .returning({ id: virtualKeys.id });
    if (limits) await setLimits({ scope: "key", id: row!.id, limits, tx });
    return row!.id;
  });
  const [full] = await db.select(columns).from(virtualKeys).innerJoin(users, eq(users.id, virtualKeys.userId)).where(eq(virtualKeys.id, id));
  return { key: (await withLimits([full!]))[0]!, secret };
}

/** @throws {AppError} validation naming every provider key that does not exist. */
async function assertProvidersExist(keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const db = await getDb();
  const known = new Set((await db.select({ key: providers.key }).from(providers).where(inArray(providers.key, keys))).map((p) => p.key));
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const message = `No provider with key ${unknown.map((k) => `"${k}"`).join(", ")}`;
    throw new AppError("validation", `allowedProviders: ${message}`, { allowedProviders: [message] });
  }
}

/**
 * Changes a key's name, providers, expiry and limits (only the fields given), in one
 * transaction: a refused change leaves the key as it was. Owners edit their own keys;
 * admins, everyone's. Limits apply to the next call (other processes: within 5 s).
 * @throws {AppError} validation per field; not_found (also for other users' keys).
 */
export async function updateKey({ actor, id, input }: { actor: Actor; id: string; input: UpdateKeyInput | unknown }): Promise<VirtualKeyDTO> {
  const keyId = asUuid(id);
  const data = parseOrThrow(updateKeySchema, input);
  const db = await getDb();
  const owned = actor.role === "admin" ? eq(virtualKeys.id, keyId) : and(eq(virtualKeys.id, keyId), eq(virtualKeys.userId, actor.userId));
  const [existing] = await db.select({ id: virtualKeys.id }).from(virtualKeys).where(owned);
  if (!existing) throw new AppError("not_found", "No such key");
  const limits = limitsPatch(input, await getLimits({ scope: "key", id: keyId }));
  if (data.allowedProviders) await assertProvidersExist(data.allowedProviders);
  await db.transaction(async (tx) => {
    const set = {
      ...(data.name !== undefined ? { name: data.name } : {}),
      ...(data.allowedProviders !== undefined ? { allowedProviders: data.allowedProviders } : {}),
      ...(data.expiresAt !== undefined ? { expiresAt: data.expiresAt } : {}),
    };
    if (Object.keys(set).length > 0) await tx.update(virtualKeys).set(set).where(owned);
    if (limits) await setLimits({ scope: "key", id: keyId, limits, tx });
  });
  forgetCachedLimits("key", keyId);
  const [full] = await db.select(columns).from(virtualKeys).innerJoin(users, eq(users.id, virtualKeys.userId)).where(owned);
  return (await withLimits([full!]))[0]!;
}

/**
 * Revokes a key: this process's gateway refuses it at once, every other process within
 * `LOOKUP_TTL_MS` (5 s, lib/gateway/lookup-cache.ts). Idempotent.
 * @throws {AppError} not_found (also for other users' keys, so ids cannot be probed).
 */
export async function revokeKey({ actor, id }: { actor: Actor; id: string }): Promise<VirtualKeyDTO> {
  const db = await getDb();
  const owned = actor.role === "admin" ? eq(virtualKeys.id, asUuid(id)) : and(eq(virtualKeys.id, asUuid(id)), eq(virtualKeys.userId, actor.userId));
  await db.update(virtualKeys).set({ revokedAt: new Date() }).where(and(owned, isNull(virtualKeys.revokedAt)));
  // This process refuses the key from now on; others within the gateway's cache time (5 s).
  forgetGatewayKeys();
  const [full] = await db.select(columns).from(virtualKeys).innerJoin(users, eq(users.id, virtualKeys.userId)).where(owned);
  if (!full) throw new AppError("not_found", "No such key");
  return (await withLimits([full]))[0]!;
}

/** What the gateway needs to know about a presented key. */
export interface GatewayKey {
  id: string;
  userId: string;
  allowedProviders: string[];
  /** When the key stops working (the gateway's cache checks it on every call); null = never. */
  expiresAt: Date | null;
  /** When it was revoked; null = not revoked. */
  revokedAt: Date | null;
}

/**
 * The gateway's lookup: the key with this secret, revoked and expired ones included (the
 * gateway refuses those, and logs the refusal with the key and its user), or null when no
 * key has it. Constant work per call: one indexed lookup by SHA-256.
 */
export async function getKeyBySecret({ secret }: { secret: string }): Promise<GatewayKey | null> {
  if (!secret.startsWith(VIRTUAL_KEY_PREFIX) || secret.length > 100) return null;
  const db = await getDb();
  const [row] = await db
    .select({ id: virtualKeys.id, userId: virtualKeys.userId, allowedProviders: virtualKeys.allowedProviders, expiresAt: virtualKeys.expiresAt, revokedAt: virtualKeys.revokedAt })
    .from(virtualKeys)
    .where(eq(virtualKeys.keyHash, sha256Hex(secret)))
    .limit(1);
  return row ?? null;
}

/** How often a key's "last used" is written at most (ms): its precision, on every process. */
export const KEY_USED_INTERVAL_MS = 60_000;

/** Marks a key used, at most once a minute per key (guarded in SQL, so replicas agree). */
export async function touchKeyUsed({ id }: { id: string }): Promise<void> {
  await touchKeysUsed({ ids: [id] });
}

/** {@link touchKeyUsed} for several keys in one statement (the gateway's log writer). */
export async function touchKeysUsed({ ids }: { ids: readonly string[] }): Promise<void> {
  if (ids.length === 0) return;
  const db = await getDb();
  const cutoff = new Date(Date.now() - KEY_USED_INTERVAL_MS);
  await db
    .update(virtualKeys)
    .set({ lastUsedAt: new Date() })
    .where(and(inArray(virtualKeys.id, [...ids]), or(isNull(virtualKeys.lastUsedAt), lt(virtualKeys.lastUsedAt, cutoff))));
}
