/**
 * Paths anyone may reach: the sign-in pages and the endpoints they call, the
 * Cloudflare notice pages, the health check and static assets. Everything else
 * needs a principal (middleware and again in the data-access layer).
 */
const PUBLIC_EXACT = new Set([
  "/login",
  "/setup",
  "/api/health",
  "/api/ready",
  "/api/v1/auth/config",
  "/api/v1/auth/login",
  "/api/v1/auth/logout",
  "/api/v1/auth/passkey/options",
  "/api/v1/auth/passkey/login",
  "/api/v1/auth/setup",
  "/api/v1/auth/setup-required",
  "/favicon.ico",
  "/icon.svg",
]);
const PUBLIC_PREFIXES = ["/access/", "/_next/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_EXACT.has(pathname) || PUBLIC_PREFIXES.some((p) => pathname.startsWith(p));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF guard for unsafe methods: when the browser sends `Origin`, it must be ours — the
 * configured public origin (`GATEHOUSE_PUBLIC_URL`) when there is one, else the host the
 * request names (`X-Forwarded-Host` behind a proxy, else `Host`). Requests without `Origin`
 * come from non-browser clients, which carry no ambient cookies of a victim.
 * @param configured `Config.publicOrigin`
 */
export function isSameOrigin(method: string, headers: Pick<Headers, "get">, configured: string | null = null): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const origin = headers.get("origin");
  if (!origin) return true;
  if (origin === "null") return false;
  if (configured) return origin.toLowerCase() === configured;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const host = (headers.get("x-forwarded-host")?.split(",")[0] ?? headers.get("host") ?? "").trim().toLowerCase();
  return originHost === host;
}

/**
 * The origin to build redirects and links on: the configured one (`GATEHOUSE_PUBLIC_URL`)
 * when set; else a guess from `X-Forwarded-Proto`/`X-Forwarded-Host` (set by proxies, and by
 * Next.js itself from `Host`) or the request URL — good for redirects only, which go back
 * to the same client, so a forged Host header can only misdirect its own sender.
 * @param configured `Config.publicOrigin`
 */
export function publicOrigin(headers: Pick<Headers, "get">, requestUrl: string, configured: string | null = null): string {
  if (configured) return configured;
  const fallback = new URL(requestUrl);
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return fallback.origin;
  return `${proto === "https" || proto === "http" ? proto : fallback.protocol.slice(0, -1)}://${host}`;
}

/**
 * The client's address as best known: Cloudflare's `CF-Connecting-IP`, else the first
 * `X-Forwarded-For` hop, else "unknown". Both can be forged by a client that reaches the
 * origin directly, so use it only where forging gains nothing (a per-client counter
 * beside a per-account one).
 */
export function clientAddress(headers: Pick<Headers, "get">): string {
  const value = headers.get("cf-connecting-ip") ?? headers.get("x-forwarded-for")?.split(",")[0] ?? "";
  const trimmed = value.trim().slice(0, 64);
  return trimmed || "unknown";
}

/**
 * Where to send someone after sign-in: only a path on this site (`/users?tab=x`), never
 * `//evil.example`, `/\\evil.example`, `/\t/evil.example` (browsers drop the tab) or `https://…`.
 * The check runs on the path AFTER normalisation (URL parsing resolves `/..//x` to `//x`,
 * and a browser would read that as another host), so what is checked is what is sent;
 * anything else becomes `/`.
 */
export function safeRedirectPath(next: string | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, "http://gatehouse.invalid");
  } catch {
    return "/";
  }
  if (url.origin !== "http://gatehouse.invalid") return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return isLocalPath(path) ? path : "/";
}

/** A path a browser resolves on this origin: one leading slash, then not a slash or backslash. */
function isLocalPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") && !/[\u0000-\u001f\u007f\\]/.test(path);
}
