import { sha256Hex } from "@/lib/crypto/tokens";
import { getKeyBySecret, type GatewayKey } from "@/lib/keys/queries";
import { getUpstreamProvider } from "@/lib/providers/queries";
import type { UpstreamProvider } from "@/lib/providers/api-types";
import { gatewayCaches } from "./lookup-cache";

export type { GatewayKey, UpstreamProvider };

/**
 * The gateway's key and provider lookups, through the per-process caches of
 * lib/gateway/lookup-cache.ts (entries live 5 s; concurrent misses share one query).
 */

const inflight = new Map<string, Promise<unknown>>();

/** A cached value as is (no promise on the hot path), else one shared load. */
function cached<T>(cache: ReturnType<typeof gatewayCaches>["keys"], id: string, load: () => Promise<T | null>): T | null | Promise<T | null> {
  const hit = cache.get(id);
  if (hit) return hit.value as T | null;
  const running = inflight.get(id) as Promise<T | null> | undefined;
  if (running) return running;
  const loading = load()
    .then((value) => {
      cache.set(id, { value });
      return value;
    })
    .finally(() => inflight.delete(id));
  inflight.set(id, loading);
  return loading;
}

/**
 * The virtual key with this secret — revoked and expired ones too: {@link whyKeyUnusable}
 * says whether it may be used — or null when no key has it. A value when cached, else a
 * promise of one.
 */
export function lookupKey(secret: string): GatewayKey | null | Promise<GatewayKey | null> {
  if (secret.length > 200) return null;
  return cached<GatewayKey>(gatewayCaches().keys, `k:${sha256Hex(secret)}`, () => getKeyBySecret({ secret }));
}

/**
 * Why a key may not be used — revoked, or past its expiry (checked on every call, so a
 * cached key stops at its expiry to the millisecond) — or null when it may.
 * @param now ms since the epoch
 */
export function whyKeyUnusable(key: GatewayKey, now = Date.now()): string | null {
  if (key.revokedAt) return `it was revoked at ${key.revokedAt.toISOString()}`;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return `it expired at ${key.expiresAt.toISOString()}`;
  return null;
}

/** The provider with this URL slug, its secrets opened, or null; a value when cached, else a promise. Never serialise it. */
export function lookupProvider(slug: string): UpstreamProvider | null | Promise<UpstreamProvider | null> {
  return cached<UpstreamProvider>(gatewayCaches().providers, `p:${slug}`, () => getUpstreamProvider({ key: slug }));
}
