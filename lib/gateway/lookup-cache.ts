import { LRUCache } from "lru-cache";

/**
 * The gateway's per-process caches of virtual keys (by secret hash) and providers (by URL
 * slug), so that a call costs no database round trip. Staleness: an entry is used for at
 * most {@link LOOKUP_TTL_MS} after it was read, so a key revoked (or a provider changed) on
 * one process is refused (or seen) by every other process within that time; the process
 * that made the change forgets its entries at once (lib/keys/queries.ts and
 * lib/providers/queries.ts call {@link forgetGatewayKeys} / {@link forgetGatewayProviders}).
 * Misses are cached too (as null), so a flood of unknown keys is not a flood of queries.
 *
 * On `globalThis`: Next.js may load this module in several bundles (route handlers, server
 * actions); a revoke in one must clear the cache the gateway reads in another.
 */
export const LOOKUP_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Caches {
  keys: LRUCache<string, { value: unknown }>;
  providers: LRUCache<string, { value: unknown }>;
}

const CACHES = Symbol.for("gatehouse.gatewayLookupCache");
type Holder = { [CACHES]?: Caches };

/** The caches (created on first use). Values are wrapped so a cached miss (`null`) is an entry. */
export function gatewayCaches(): Caches {
  const holder = globalThis as Holder;
  return (holder[CACHES] ??= {
    keys: new LRUCache({ max: MAX_ENTRIES, ttl: LOOKUP_TTL_MS, ttlAutopurge: false }),
    providers: new LRUCache({ max: MAX_ENTRIES, ttl: LOOKUP_TTL_MS, ttlAutopurge: false }),
  });
}

/** Forgets every cached virtual key in this process (after a revoke, an owner's deletion…). */
export function forgetGatewayKeys(): void {
  gatewayCaches().keys.clear();
}

/** Forgets every cached provider in this process (after a provider is created, edited or deleted). */
export function forgetGatewayProviders(): void {
  gatewayCaches().providers.clear();
}
