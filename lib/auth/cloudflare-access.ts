import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
} from "jose";

/**
 * Cloudflare Access application tokens (`Cf-Access-Jwt-Assertion`).
 *
 * Protocol facts from Cloudflare's "Validate JWTs" page
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/):
 * tokens are RS256, signed by keys published at `<team-domain>/cdn-cgi/access/certs`,
 * `aud` is an array holding the application's AUD tag, `iss` is the team domain, and
 * user tokens carry `email` while service-token tokens carry `common_name` (the Client ID)
 * instead. Cloudflare rotates the signing key every six weeks and keeps the previous key
 * published for a while, so the key set must refresh on an unknown `kid`.
 */

/** Who a valid Access token says is asking. */
export type AccessIdentity =
  | { kind: "email"; email: string }
  | { kind: "service-token"; clientId: string };

/** Why a token was refused. Every reason means HTTP 401. */
export type AccessRejection =
  | "missing"
  | "oversized"
  | "malformed"
  | "algorithm"
  | "no_kid"
  | "unknown_key"
  | "bad_signature"
  | "audience"
  | "issuer"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "no_identity"
  | "keys_unavailable";

export class AccessTokenError extends Error {
  constructor(
    readonly reason: AccessRejection,
    message: string,
  ) {
    super(message);
    this.name = "AccessTokenError";
  }
}

/**
 * True for an {@link AccessTokenError}, also one thrown by the copy of this module in
 * another bundle (middleware and app bundles share one verifier through `globalThis`,
 * so `instanceof` alone would miss it).
 */
export function isAccessTokenError(err: unknown): err is AccessTokenError {
  return err instanceof AccessTokenError || (err instanceof Error && err.name === "AccessTokenError" && typeof (err as AccessTokenError).reason === "string");
}

type KeyLike = Awaited<ReturnType<ReturnType<typeof createLocalJWKSet>>>;

/** Resolves the verification key for a token header (jose's `JWTVerifyGetKey` shape). */
export interface AccessKeySource {
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike>;
}

export interface AccessKeySetOptions {
  /** `<team-domain>/cdn-cgi/access/certs` */
  certsUrl: string;
  /** Minimum time between two fetches, whatever triggers them (unknown `kid`, failure, refresh), ms. Default 10 000. */
  cooldownMs?: number;
  /** Age after which keys are refreshed in the background, ms. Default 600 000 (10 min). */
  refreshIntervalMs?: number;
  /** Abort a JWKS fetch after this long, ms. Default 5 000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  log?: Pick<Console, "warn" | "error" | "info">;
  /** Called after a fetch that changed the set of `kid`s (used to drop verified-token caches). */
  onKeysChanged?: () => void;
}

/** A JWKS cache with refresh on unknown `kid`, a fetch cooldown and stale-if-error. */
export interface AccessKeySet extends AccessKeySource {
  /** Number of HTTP fetches attempted so far (diagnostics and tests). */
  readonly fetchCount: number;
  /** `kid`s currently trusted. */
  readonly kids: string[];
}

/**
 * Builds the key set for one team domain. Built once per process, not per request,
 * so the cache survives between requests.
 *
 * Why not jose's `createRemoteJWKSet` alone: it rethrows a failed refresh once its cache
 * is stale (an outage would lock everyone out) and only rate-limits fetches after a
 * success (an outage plus a flood of made-up `kid`s would become a flood of fetches).
 * Here every fetch attempt, successful or not, starts the cooldown, and the last good keys
 * stay in use until a fetch replaces them. Key selection and import stay jose's
 * (`createLocalJWKSet`).
 */
export function createAccessKeySet(options: AccessKeySetOptions): AccessKeySet {
  const cooldownMs = options.cooldownMs ?? 10_000;
  const refreshIntervalMs = options.refreshIntervalMs ?? 600_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const log = options.log ?? console;

  let local: ReturnType<typeof createLocalJWKSet> | null = null;
  let kids: string[] = [];
  let loadedAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | null = null;
  let fetchCount = 0;
  let failing = false;

  const canAttempt = () => Date.now() - lastAttemptAt >= cooldownMs;

  async function load(): Promise<void> {
    fetchCount++;
    lastAttemptAt = Date.now();
    try {
      const response = await doFetch(options.certsUrl, {
        headers: { accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const jwks = (await response.json()) as JSONWebKeySet;
      if (!jwks || !Array.isArray(jwks.keys)) throw new Error("response is not a JSON Web Key Set");
      const next = createLocalJWKSet(jwks);
      const nextKids = jwks.keys.map((k) => String(k.kid ?? "")).sort();
      const changed = nextKids.join(" ") !== kids.join(" ");
      local = next;
      kids = nextKids;
      loadedAt = Date.now();
      if (failing) log.info(`gatehouse: Cloudflare Access keys loaded again from ${options.certsUrl}`);
      failing = false;
      if (changed) options.onKeysChanged?.();
    } catch (err) {
      failing = true;
      const reason = err instanceof Error ? (err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : err.message) : String(err);
      if (local) {
        log.warn(`gatehouse: refreshing Cloudflare Access keys from ${options.certsUrl} failed (${reason}); still using the ${kids.length} cached key(s)`);
      } else {
        log.error(
          `gatehouse: cannot load Cloudflare Access keys from ${options.certsUrl} (${reason}); every Access token is refused until they load (check CF_ACCESS_TEAM_DOMAIN and outbound HTTPS)`,
        );
      }
    }
  }

  function refresh(): Promise<void> {
    pending ??= load().finally(() => {
      pending = null;
    });
    return pending;
  }

  return {
    get fetchCount() {
      return fetchCount;
    },
    get kids() {
      return [...kids];
    },
    async getKey(header, token) {
      if (!local) {
        if (canAttempt() || pending) await refresh();
        if (!local) throw new AccessTokenError("keys_unavailable", "Cloudflare Access signing keys are unavailable");
      } else if (Date.now() - loadedAt > refreshIntervalMs && canAttempt()) {
        // Stale-while-revalidate: today's keys keep working while the refresh runs.
        void refresh();
      }
      try {
        return await local(header, token);
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
        // A new kid is how a rotation shows up; look once, then honour the cooldown.
        if (!canAttempt() && !pending) throw err;
        await refresh();
        return local(header, token);
      }
    },
  };
}

export interface AccessVerifierOptions {
  /** Team-domain origin without trailing slash; `iss` must equal it (a trailing slash is tolerated). */
  teamDomain: string;
  /** The application's AUD tag; `aud` (string or array) must contain it. */
  aud: string;
  keys: AccessKeySource;
  /** Leeway for `exp`, `nbf` and `iat`, seconds. Capped at 60. Default 60. */
  clockToleranceSec?: number;
  /** Longest token accepted, bytes. Default 8192 (Cloudflare's are about 1 KB). */
  maxTokenBytes?: number;
  /** How long a verified token is remembered, ms (never past its `exp`). Default 30 000; 0 disables. */
  verifiedCacheMs?: number;
}

export interface AccessVerifier {
  /**
   * Verifies a `Cf-Access-Jwt-Assertion` value.
   * @returns the identity it proves (`email` trimmed and lower-cased).
   * @throws {AccessTokenError} with the reason; every reason means 401.
   */
  verify(token: string | null | undefined): Promise<AccessIdentity>;
  /** Forgets remembered verifications (call when keys change). */
  clearCache(): void;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_CACHED_TOKENS = 2_000;

/**
 * Builds a verifier. Checks, in order: presence, size, compact-JWS shape (which also
 * refuses `alg: none` tokens, whose signature part is empty), header `alg` = RS256
 * (refuses HS256 keyed with our public key), `kid` present, then jose's `jwtVerify`
 * with `algorithms: ['RS256']`, `audience`, `issuer`, required `exp`, and `nbf`/`exp`
 * leeway; then `iat` not in the future, then the identity claim.
 */
export function createAccessVerifier(options: AccessVerifierOptions): AccessVerifier {
  const tolerance = Math.min(Math.max(options.clockToleranceSec ?? 60, 0), 60);
  const maxBytes = options.maxTokenBytes ?? 8192;
  const cacheMs = options.verifiedCacheMs ?? 30_000;
  const issuers = [options.teamDomain, `${options.teamDomain}/`];
  const getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => options.keys.getKey(header, token);
  // token → identity and the time (ms) the memo ends. Map keeps insertion order, so the
  // first entry is the oldest: a cheap FIFO bound.
  const verified = new Map<string, { identity: AccessIdentity; until: number }>();

  async function verifyUncached(token: string): Promise<{ identity: AccessIdentity; exp: number }> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AccessTokenError("malformed", "token header is not valid JSON");
    }
    if (header.alg !== "RS256") throw new AccessTokenError("algorithm", `token algorithm ${JSON.stringify(header.alg)} is not RS256`);
    if (typeof header.kid !== "string" || header.kid.length === 0) throw new AccessTokenError("no_kid", "token header has no kid");

    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ["RS256"],
        audience: options.aud,
        issuer: issuers,
        clockTolerance: tolerance,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      throw mapJoseError(err);
    }

    const now = Math.floor(Date.now() / 1000);
    if (payload.iat !== undefined && (typeof payload.iat !== "number" || payload.iat > now + tolerance)) {
      throw new AccessTokenError("issued_in_future", "token iat is in the future");
    }
    return { identity: identityOf(payload), exp: payload.exp! };
  }

  return {
    clearCache: () => verified.clear(),
    async verify(token) {
      if (!token) throw new AccessTokenError("missing", "no Cf-Access-Jwt-Assertion header");
      if (token.length > maxBytes) throw new AccessTokenError("oversized", `token is longer than ${maxBytes} bytes`);
      if (!JWT_SHAPE.test(token)) throw new AccessTokenError("malformed", "token is not a signed compact JWT");

      const now = Date.now();
      const memo = verified.get(token);
      if (memo) {
        if (memo.until > now) return memo.identity;
        verified.delete(token);
      }
      const { identity, exp } = await verifyUncached(token);
      if (cacheMs > 0) {
        if (verified.size >= MAX_CACHED_TOKENS) verified.delete(verified.keys().next().value!);
        verified.set(token, { identity, until: Math.min(now + cacheMs, exp * 1000) });
      }
      return identity;
    },
  };
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function identityOf(payload: Record<string, unknown>): AccessIdentity {
  if ("email" in payload && payload.email !== undefined) {
    if (typeof payload.email !== "string" || payload.email.trim() === "" || CONTROL_CHARS.test(payload.email) || payload.email.length > 320) {
      throw new AccessTokenError("no_identity", "token email claim is not a usable email");
    }
    return { kind: "email", email: payload.email.trim().toLowerCase() };
  }
  // Service tokens: no email; common_name is the token's Client ID (matched ignoring case).
  if (typeof payload.common_name === "string" && payload.common_name.trim() !== "" && !CONTROL_CHARS.test(payload.common_name) && payload.common_name.length <= 256) {
    return { kind: "service-token", clientId: payload.common_name.trim().toLowerCase() };
  }
  throw new AccessTokenError("no_identity", "token has neither an email nor a service-token common_name");
}

function mapJoseError(err: unknown): AccessTokenError {
  if (err instanceof AccessTokenError) return err;
  if (err instanceof errors.JWTExpired) return new AccessTokenError("expired", "token has expired");
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case "aud":
        return new AccessTokenError("audience", "token aud does not contain this application's AUD tag");
      case "iss":
        return new AccessTokenError("issuer", "token iss is not this team domain");
      case "nbf":
        return new AccessTokenError("not_yet_valid", "token is not valid yet (nbf)");
      case "exp":
        return new AccessTokenError("expired", "token has no valid exp");
      default:
        return new AccessTokenError("malformed", `token claim ${err.claim} is invalid`);
    }
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new AccessTokenError("unknown_key", "token kid is not among Cloudflare Access keys");
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new AccessTokenError("bad_signature", "token signature does not verify");
  if (err instanceof errors.JOSEAlgNotAllowed) return new AccessTokenError("algorithm", "token algorithm is not RS256");
  if (err instanceof errors.JOSEError) return new AccessTokenError("malformed", `token is malformed (${err.code})`);
  return new AccessTokenError("malformed", "token could not be verified");
}
