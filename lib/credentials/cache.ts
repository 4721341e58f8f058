import { LRUCache } from "lru-cache";

/**
 * A short-lived, per-process memory of "who is this identity": Cloudflare email → user,
 * service-token Client ID → user, session id → user. Access proves identity on every
 * request, and middleware and the data-access layer both ask; without this, each request
 * would pay two database lookups (see bench/auth.ts).
 *
 * Freshness: every write that changes who may sign in goes through `changeCredentials`
 * (./transaction.ts), which clears this cache when it commits, here and — through a
 * PostgreSQL NOTIFY sent inside that transaction — on every other replica. If a replica
 * misses a notification (its listening connection dropped), entries still expire after
 * {@link PRINCIPAL_TTL_MS}. Negative answers (unknown email) are kept too, for the same
 * time, so a valid token from a stranger cannot make every request a query.
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

interface State {
  cache: LRUCache<string, Entry>;
  /** Bumped by every invalidation: a load that began before one is not remembered. */
  generation: number;
}

const STATE = Symbol.for("gatehouse.principalCache");
type Holder = { [STATE]?: State };

// On globalThis: the middleware bundle and the app bundle must share one cache, or a
// write seen by one would not clear the other's.
function state(): State {
  const holder = globalThis as Holder;
  return (holder[STATE] ??= { cache: new LRUCache<string, Entry>({ max: 10_000, ttl: PRINCIPAL_TTL_MS, ttlAutopurge: false }), generation: 0 });
}

/**
 * The cached answer for `key`, or the loader's (then cached, unless a credential write
 * landed while it was loading: that answer may predate the write).
 * @param key e.g. `email:ada@example.com`, `svc:<client id>`, `session:<id>`
 */
export async function cachedUser(key: string, load: () => Promise<CachedUser | null>): Promise<CachedUser | null> {
  const s = state();
  const hit = s.cache.get(key);
  if (hit) {
    if (!hit.user?.sessionExpiresAt || hit.user.sessionExpiresAt.getTime() > Date.now()) return hit.user;
    s.cache.delete(key);
  }
  const generation = s.generation;
  const user = await load();
  if (s.generation !== generation) return user;
  const ttl = user?.sessionExpiresAt ? Math.max(0, Math.min(PRINCIPAL_TTL_MS, user.sessionExpiresAt.getTime() - Date.now())) : PRINCIPAL_TTL_MS;
  if (ttl > 0) s.cache.set(key, { user }, { ttl });
  return user;
}

/**
 * Forgets every cached answer, and any being loaded right now. Called by
 * `changeCredentials` and by the cross-replica listener; nothing else needs to.
 */
export function invalidatePrincipals(): void {
  const s = state();
  s.generation++;
  s.cache.clear();
}
