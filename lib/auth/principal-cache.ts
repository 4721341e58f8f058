import { LRUCache } from "lru-cache";

/**
 * A short-lived, per-process memory of "who is this identity": Cloudflare email → user,
 * service-token Client ID → user, session id → user. Access proves identity on every
 * request, and middleware and the data-access layer both ask; without this, each request
 * would pay two database lookups (see bench/auth.ts).
 *
 * Freshness: any user, session or service-token write in this process clears it at once;
 * other replicas see a change within {@link PRINCIPAL_TTL_MS}. Negative answers (unknown
 * email) are kept too, for the same time, so a valid token from a stranger cannot make
 * every request a query.
 */
export const PRINCIPAL_TTL_MS = 5_000;

export interface CachedUser {
  id: string;
  username: string;
  email: string | null;
  role: "admin" | "user";
  lastLoginAt: Date | null;
  /** service tokens: the link row, for its last-used time */
  tokenId?: string;
  /** sessions: when the session ends (the cache never outlives it) */
  sessionExpiresAt?: Date;
}

type Entry = { user: CachedUser | null };

const CACHE = Symbol.for("gatehouse.principalCache");
type Holder = { [CACHE]?: LRUCache<string, Entry> };

// On globalThis: the middleware bundle and the app bundle must share one cache, or a
// write seen by one would not clear the other's.
function cache(): LRUCache<string, Entry> {
  const holder = globalThis as Holder;
  return (holder[CACHE] ??= new LRUCache<string, Entry>({ max: 10_000, ttl: PRINCIPAL_TTL_MS, ttlAutopurge: false }));
}

/**
 * The cached answer for `key`, or the loader's (then cached).
 * @param key e.g. `email:ada@example.com`, `svc:<client id>`, `session:<id>`
 */
export async function cachedUser(key: string, load: () => Promise<CachedUser | null>): Promise<CachedUser | null> {
  const c = cache();
  const hit = c.get(key);
  if (hit) {
    if (!hit.user?.sessionExpiresAt || hit.user.sessionExpiresAt.getTime() > Date.now()) return hit.user;
    c.delete(key);
  }
  const user = await load();
  const ttl = user?.sessionExpiresAt ? Math.max(0, Math.min(PRINCIPAL_TTL_MS, user.sessionExpiresAt.getTime() - Date.now())) : PRINCIPAL_TTL_MS;
  if (ttl > 0) c.set(key, { user }, { ttl });
  return user;
}

/** Forget everything: call after any write to users, sessions or service-token links. */
export function invalidatePrincipals(): void {
  cache().clear();
}
