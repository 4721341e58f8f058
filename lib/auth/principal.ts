import { getConfig, type CfAccessConfig } from "@/lib/config";
import { cachedUser } from "@/lib/credentials/cache";
import { SESSION_COOKIE, sessionIdOf, validateSessionToken } from "@/lib/credentials/sessions";
import { setRequestUser } from "@/lib/request-context";
import { getUserByEmail, getUserByServiceToken, recordSignIn } from "@/lib/users/queries";
import { createAccessKeySet, createAccessVerifier, type AccessRejection, type AccessVerifier, isAccessTokenError } from "./cloudflare-access";

/**
 * The one answer to "who is asking". `middleware.ts` calls {@link resolvePrincipal} to stop
 * requests early; the data-access layer (`lib/auth/dal.ts`) calls it again for every page,
 * action and handler, so a request that skipped middleware still gets nothing.
 */
export interface Principal {
  userId: string;
  username: string;
  email: string | null;
  role: "admin" | "user";
  /** How the identity was proven. */
  method: "session" | "cloudflare-access" | "cloudflare-service-token";
  /** Built-in mode only: the session row id (SHA-256 of the cookie token). */
  sessionId?: string;
}

export type Resolution =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      /** 401: no or bad credential. 403: a valid identity that is not a Gatehouse user. 503: keys unavailable. */
      status: 401 | 403 | 503;
      code: "unauthenticated" | "unknown_email" | "unlinked_service_token" | "access_keys_unavailable";
      message: string;
      /** The verified identity of a 403 (email, or service token Client ID), safe to show its owner. */
      identity?: string;
      /** Cloudflare Access mode, 401: why the token was refused (the 401 page explains it, see ./access-rejections.ts). */
      reason?: AccessRejection;
    };

/** The parts of a request the resolver reads: headers and one cookie. */
export interface CredentialSource {
  headers: Pick<Headers, "get">;
  cookies: { get(name: string): { value: string } | undefined };
}

/** Header Cloudflare adds to every request it lets through Access. */
export const ACCESS_JWT_HEADER = "cf-access-jwt-assertion";

const VERIFIER = Symbol.for("gatehouse.accessVerifier");
type Holder = { [VERIFIER]?: { config: CfAccessConfig; verifier: AccessVerifier } };

/**
 * The process-wide Access verifier: one key cache for the middleware and app bundles
 * (held on `globalThis`), built on first use from the configuration.
 */
export function getAccessVerifier(config: CfAccessConfig): AccessVerifier {
  const holder = globalThis as Holder;
  const existing = holder[VERIFIER];
  if (existing && existing.config === config) return existing.verifier;
  let verifier: AccessVerifier | null = null;
  const keys = createAccessKeySet({ certsUrl: config.certsUrl, onKeysChanged: () => verifier?.clearCache() });
  verifier = createAccessVerifier({ teamDomain: config.teamDomain, aud: config.aud, keys });
  holder[VERIFIER] = { config, verifier };
  return verifier;
}

/**
 * Resolves the principal of a request.
 *
 * Cloudflare Access mode: only the `Cf-Access-Jwt-Assertion` header counts (never the
 * plaintext `Cf-Access-Authenticated-User-Email`, never the `CF_Authorization` cookie: a
 * cookie rides along on cross-site requests, the header cannot, so header-only keeps
 * Access mode free of CSRF). Built-in mode: the session cookie.
 *
 * Never throws for bad credentials; database errors propagate.
 */
export async function resolvePrincipal(source: CredentialSource): Promise<Resolution> {
  const cf = getConfig().cfAccess;
  const resolution = await (cf ? resolveAccess(source, cf) : resolveSession(source));
  if (resolution.ok) setRequestUser(resolution.principal.userId);
  return resolution;
}

async function resolveSession(source: CredentialSource): Promise<Resolution> {
  const token = source.cookies.get(SESSION_COOKIE)?.value;
  if (!token) return { ok: false, status: 401, code: "unauthenticated", message: "Sign in to continue" };
  const sessionId = sessionIdOf(token);
  const user = await cachedUser(`session:${sessionId}`, async () => {
    const session = await validateSessionToken(token);
    return session ? { ...session.user, sessionExpiresAt: session.expiresAt } : null;
  });
  if (!user) return { ok: false, status: 401, code: "unauthenticated", message: "Your session has ended; sign in again" };
  return {
    ok: true,
    principal: { userId: user.id, username: user.username, email: user.email, role: user.role, method: "session", sessionId },
  };
}

async function resolveAccess(source: CredentialSource, cf: CfAccessConfig): Promise<Resolution> {
  const token = source.headers.get(ACCESS_JWT_HEADER);
  let identity;
  try {
    identity = await getAccessVerifier(cf).verify(token);
  } catch (err) {
    if (isAccessTokenError(err)) {
      if (err.reason === "keys_unavailable") {
        return { ok: false, status: 503, code: "access_keys_unavailable", message: "Cloudflare Access signing keys could not be loaded; try again shortly" };
      }
      const message =
        err.reason === "missing" ? "No Cloudflare Access token: reach Gatehouse through its Cloudflare Access application" : `Cloudflare Access token rejected: ${err.message}`;
      return { ok: false, status: 401, code: "unauthenticated", message, reason: err.reason };
    }
    throw err;
  }

  if (identity.kind === "email") {
    const user = await cachedUser(`email:${identity.email}`, () => getUserByEmail({ email: identity.email }));
    if (!user) {
      return {
        ok: false,
        status: 403,
        code: "unknown_email",
        message: `${identity.email} is not a Gatehouse user; ask an admin to add this email`,
        identity: identity.email,
      };
    }
    recordSignIn({ userId: user.id, lastLoginAt: user.lastLoginAt });
    return { ok: true, principal: { userId: user.id, username: user.username, email: user.email, role: user.role, method: "cloudflare-access" } };
  }

  const linked = await cachedUser(`svc:${identity.clientId}`, () => getUserByServiceToken({ clientId: identity.clientId }));
  if (!linked) {
    return {
      ok: false,
      status: 403,
      code: "unlinked_service_token",
      message: `Service token ${identity.clientId} is not linked to a Gatehouse user; an admin can link it on the Users page`,
      identity: identity.clientId,
    };
  }
  recordSignIn({ userId: linked.id, lastLoginAt: linked.lastLoginAt, serviceTokenId: linked.tokenId });
  return {
    ok: true,
    principal: { userId: linked.id, username: linked.username, email: linked.email, role: linked.role, method: "cloudflare-service-token" },
  };
}
