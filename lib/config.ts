import path from "node:path";
import { z } from "zod";

/**
 * Gatehouse configuration, parsed once from the environment with zod.
 *
 * Every problem becomes a {@link ConfigError} whose message is one line naming
 * the variable and what is wrong, e.g.
 * `CF_ACCESS_AUD: required when CF_ACCESS_ENABLED=true`.
 * `instrumentation.ts` prints it and exits, so bad config stops start-up.
 */
export interface Config {
  port: number;
  /** postgres:// URL; `null` means the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  /** Absolute path of the data folder (embedded database, generated encryption key). */
  dataDir: string;
  /** 32-byte AES-256-GCM key for secrets at rest, or `null` to use/generate `<dataDir>/encryption.key`. */
  encryptionKey: Buffer | null;
  /** Lifetime of a built-in session, ms. */
  sessionTtlMs: number;
  /** `auto` sets `Secure` on cookies when the request arrived over https. */
  secureCookies: "auto" | "always" | "never";
  cfAccess: CfAccessConfig | null;
  /** Origin of Cloudflare AI Gateway, no trailing slash (default `https://gateway.ai.cloudflare.com`). */
  cfAiGatewayOrigin: string;
  /**
   * `GATEHOUSE_PUBLIC_URL`: the origin people reach Gatehouse at (`https://gatehouse.example.com`),
   * no trailing slash; `null` when unset. Redirects, links, cookie security and the passkey
   * relying party derive from it, never from `Host` or `X-Forwarded-*`.
   */
  publicOrigin: string | null;
  /** `GATEHOUSE_LOG_FORMAT`: `text` (default) or `json` (one object per line); see lib/log.ts. */
  logFormat: LogFormat;
  /**
   * `GATEHOUSE_SHUTDOWN_GRACE_SECONDS` (default 8), in ms: after SIGTERM, how long in-flight
   * requests may run before they are cut (see lib/server/graceful-shutdown.ts).
   */
  shutdownGraceMs: number;
  /** `GATEHOUSE_LISTEN_HOST`: the address the server binds; `null` = every interface. */
  listenHost: string | null;
  /** The LLM gateway's own settings (docs/gateway.md). */
  gateway: GatewayConfig;
}

export interface GatewayConfig {
  /**
   * `GATEHOUSE_GATEWAY_TTFB_SECONDS` (default 60), in ms: how long an upstream may take to
   * start answering (its status line and headers) before the call ends with 504.
   */
  ttfbTimeoutMs: number;
  /** `GATEHOUSE_GATEWAY_MAX_BODY_MB` (default 32), in bytes: larger request bodies get 413. */
  maxBodyBytes: number;
  /** `GATEHOUSE_GATEWAY_PORT` (default 3001): the port of the standalone listener (`npm run gateway`). */
  port: number;
  /**
   * `GATEHOUSE_GATEWAY_MOUNT` (default `server`): who answers `/gateway/…` in `npm start`'s
   * server. `server`: Gatehouse's own server hands the call to the gateway core before
   * Next.js sees it (the standalone listener's cost on the app's port); `next`: Next.js
   * routes it to the route handler, as on any other Next.js host (docs/gateway.md).
   */
  mount: "server" | "next";
}

export type LogFormat = "text" | "json";

export interface CfAccessConfig {
  /** Team-domain origin, e.g. `https://acme.cloudflareaccess.com`; the JWT `iss` must equal it. */
  teamDomain: string;
  /** Application Audience (AUD) tag; the JWT `aud` must contain it. */
  aud: string;
  /** `<teamDomain>/cdn-cgi/access/certs` */
  certsUrl: string;
  /** `<teamDomain>/cdn-cgi/access/logout` */
  logoutUrl: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True for hosts that never leave the machine; only these may use plain http. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith(".localhost");
}

/**
 * Normalises a Cloudflare Access team domain to its origin.
 * Accepts `acme` (→ `https://acme.cloudflareaccess.com`), `acme.cloudflareaccess.com`,
 * or a URL with or without a trailing slash. Plain http is allowed for loopback hosts only.
 * @throws {Error} with a human-readable reason when the value is neither a team name nor a URL.
 */
export function normaliseTeamDomain(raw: string): string {
  const value = raw.trim();
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)) {
    return `https://${value.toLowerCase()}.cloudflareaccess.com`;
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${raw}" is neither a team name (acme) nor a URL (https://acme.cloudflareaccess.com)`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    throw new Error(`"${raw}" must be just the team domain, without path, query or credentials`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new Error(`"${raw}" must use https (plain http is allowed for loopback hosts only)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`"${raw}" must be an https URL`);
  }
  return url.origin;
}

const booleanFlag = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return false;
      const s = v.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(s)) return true;
      if (["false", "0", "no", "off"].includes(s)) return false;
      ctx.addIssue({ code: "custom", message: `${name}: expected true or false, got "${v}"` });
      return z.NEVER;
    });

const envSchema = z.object({
  PORT: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  GATEHOUSE_DATA_DIR: z.string().optional(),
  GATEHOUSE_ENCRYPTION_KEY: z.string().optional(),
  GATEHOUSE_SESSION_TTL_HOURS: z.string().optional(),
  GATEHOUSE_SECURE_COOKIES: z.string().optional(),
  CF_ACCESS_ENABLED: booleanFlag("CF_ACCESS_ENABLED"),
  CF_ACCESS_TEAM_DOMAIN: z.string().optional(),
  CF_ACCESS_AUD: z.string().optional(),
  CF_AI_GATEWAY_ORIGIN: z.string().optional(),
  GATEHOUSE_PUBLIC_URL: z.string().optional(),
  GATEHOUSE_LOG_FORMAT: z.string().optional(),
  GATEHOUSE_SHUTDOWN_GRACE_SECONDS: z.string().optional(),
  GATEHOUSE_LISTEN_HOST: z.string().optional(),
  GATEHOUSE_GATEWAY_TTFB_SECONDS: z.string().optional(),
  GATEHOUSE_GATEWAY_MAX_BODY_MB: z.string().optional(),
  GATEHOUSE_GATEWAY_PORT: z.string().optional(),
  GATEHOUSE_GATEWAY_MOUNT: z.string().optional(),
  VERCEL: z.string().optional(),
});

/**
 * The log format alone, for the logger (which must work even when the rest of the
 * configuration is invalid, to report that): `text` unless `GATEHOUSE_LOG_FORMAT=json`.
 * `error` says what is wrong with an unknown value; {@link parseConfig} turns it into a ConfigError.
 */
export function logFormatFrom(env: Record<string, string | undefined>): { format: LogFormat; error?: string } {
  const raw = env.GATEHOUSE_LOG_FORMAT?.trim().toLowerCase();
  if (!raw || raw === "text") return { format: "text" };
  if (raw === "json") return { format: "json" };
  return { format: "text", error: `expected text or json, got "${env.GATEHOUSE_LOG_FORMAT}"` };
}

function blank(v: string | undefined): v is undefined {
  return v === undefined || v.trim() === "";
}

/**
 * Parses an environment into a {@link Config}.
 * @param env defaults to `process.env`
 * @throws {ConfigError} on the first invalid or missing variable.
 */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [variable, ...rest] = issue.message.split(": ");
    if (rest.length > 0) throw new ConfigError(variable!, rest.join(": "));
    throw new ConfigError(String(issue.path[0] ?? "environment"), issue.message);
  }
  const e = parsed.data;

  let port = 3000;
  if (!blank(e.PORT)) {
    port = Number(e.PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigError("PORT", `expected a port number 1-65535, got "${e.PORT}"`);
    }
  }

  let databaseUrl: string | null = null;
  if (!blank(e.DATABASE_URL)) {
    let url: URL;
    try {
      url = new URL(e.DATABASE_URL.trim());
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a URL (expected postgres://user:password@host:5432/database)");
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
      throw new ConfigError("DATABASE_URL", `expected a postgres:// URL, got ${url.protocol}//…`);
    }
    databaseUrl = e.DATABASE_URL.trim();
  }
  // Vercel functions have a read-only, short-lived filesystem: no embedded database there.
  if (!databaseUrl && !blank(e.VERCEL)) {
    throw new ConfigError("DATABASE_URL", "required on Vercel (the embedded database needs a lasting, writable disk); set it to a PostgreSQL URL in the project's environment variables");
  }

  const dataDir = path.resolve(blank(e.GATEHOUSE_DATA_DIR) ? "data" : e.GATEHOUSE_DATA_DIR.trim());

  let encryptionKey: Buffer | null = null;
  if (!blank(e.GATEHOUSE_ENCRYPTION_KEY)) {
    encryptionKey = decodeKey(e.GATEHOUSE_ENCRYPTION_KEY.trim());
    if (!encryptionKey) {
      throw new ConfigError(
        "GATEHOUSE_ENCRYPTION_KEY",
        "expected 32 bytes as 64 hex characters or base64 (generate one with: openssl rand -base64 32)",
      );
    }
  } else if (databaseUrl) {
    throw new ConfigError(
      "GATEHOUSE_ENCRYPTION_KEY",
      "required with DATABASE_URL so every replica decrypts provider keys alike (generate one with: openssl rand -base64 32)",
    );
  }

  let sessionTtlMs = 7 * 24 * 3600_000;
  if (!blank(e.GATEHOUSE_SESSION_TTL_HOURS)) {
    const hours = Number(e.GATEHOUSE_SESSION_TTL_HOURS);
    if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 365) {
      throw new ConfigError("GATEHOUSE_SESSION_TTL_HOURS", `expected hours between 0 and 8760, got "${e.GATEHOUSE_SESSION_TTL_HOURS}"`);
    }
    sessionTtlMs = Math.round(hours * 3600_000);
  }

  let secureCookies: Config["secureCookies"] = "auto";
  if (!blank(e.GATEHOUSE_SECURE_COOKIES)) {
    const v = e.GATEHOUSE_SECURE_COOKIES.trim().toLowerCase();
    if (v === "auto") secureCookies = "auto";
    else if (["true", "1", "always"].includes(v)) secureCookies = "always";
    else if (["false", "0", "never"].includes(v)) secureCookies = "never";
    else throw new ConfigError("GATEHOUSE_SECURE_COOKIES", `expected auto, true or false, got "${e.GATEHOUSE_SECURE_COOKIES}"`);
  }

  let cfAccess: CfAccessConfig | null = null;
  if (e.CF_ACCESS_ENABLED) {
    if (blank(e.CF_ACCESS_TEAM_DOMAIN)) {
      throw new ConfigError("CF_ACCESS_TEAM_DOMAIN", "required when CF_ACCESS_ENABLED=true (your team name, e.g. acme, or https://acme.cloudflareaccess.com)");
    }
    if (blank(e.CF_ACCESS_AUD)) {
      throw new ConfigError("CF_ACCESS_AUD", "required when CF_ACCESS_ENABLED=true (the Application Audience (AUD) tag from the Access application)");
    }
    let teamDomain: string;
    try {
      teamDomain = normaliseTeamDomain(e.CF_ACCESS_TEAM_DOMAIN);
    } catch (err) {
      throw new ConfigError("CF_ACCESS_TEAM_DOMAIN", (err as Error).message);
    }
    const aud = e.CF_ACCESS_AUD.trim();
    if (/\s|,/.test(aud)) {
      throw new ConfigError("CF_ACCESS_AUD", "must be a single AUD tag without spaces or commas");
    }
    cfAccess = {
      teamDomain,
      aud,
      certsUrl: `${teamDomain}/cdn-cgi/access/certs`,
      logoutUrl: `${teamDomain}/cdn-cgi/access/logout`,
    };
  }

  let cfAiGatewayOrigin = "https://gateway.ai.cloudflare.com";
  if (!blank(e.CF_AI_GATEWAY_ORIGIN)) {
    let url: URL;
    try {
      url = new URL(e.CF_AI_GATEWAY_ORIGIN.trim());
    } catch {
      throw new ConfigError("CF_AI_GATEWAY_ORIGIN", `is not a URL: "${e.CF_AI_GATEWAY_ORIGIN}"`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
      throw new ConfigError("CF_AI_GATEWAY_ORIGIN", "must use https (plain http is allowed for loopback hosts only)");
    }
    cfAiGatewayOrigin = url.origin;
  }

  let publicOrigin: string | null = null;
  if (!blank(e.GATEHOUSE_PUBLIC_URL)) {
    let url: URL;
    try {
      url = new URL(e.GATEHOUSE_PUBLIC_URL.trim());
    } catch {
      throw new ConfigError("GATEHOUSE_PUBLIC_URL", `is not a URL: "${e.GATEHOUSE_PUBLIC_URL}" (expected e.g. https://gatehouse.example.com)`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ConfigError("GATEHOUSE_PUBLIC_URL", `must be an http(s) URL, got ${url.protocol}//…`);
    }
    if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
      throw new ConfigError("GATEHOUSE_PUBLIC_URL", `must be an origin only (scheme, host, optional port), without path, query or credentials: "${e.GATEHOUSE_PUBLIC_URL}"`);
    }
    publicOrigin = url.origin;
  }

  const logFormat = logFormatFrom(env);
  if (logFormat.error) throw new ConfigError("GATEHOUSE_LOG_FORMAT", logFormat.error);

  let shutdownGraceMs = 8_000;
  if (!blank(e.GATEHOUSE_SHUTDOWN_GRACE_SECONDS)) {
    const seconds = Number(e.GATEHOUSE_SHUTDOWN_GRACE_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
      throw new ConfigError("GATEHOUSE_SHUTDOWN_GRACE_SECONDS", `expected seconds between 0 and 3600, got "${e.GATEHOUSE_SHUTDOWN_GRACE_SECONDS}"`);
    }
    shutdownGraceMs = Math.round(seconds * 1000);
  }

  const listenHost = blank(e.GATEHOUSE_LISTEN_HOST) ? null : e.GATEHOUSE_LISTEN_HOST.trim();

  const gatewayMount = (raw: string | undefined): GatewayConfig["mount"] => {
    if (blank(raw)) return "server";
    const value = raw.trim().toLowerCase();
    if (value === "server" || value === "next") return value;
    throw new ConfigError("GATEHOUSE_GATEWAY_MOUNT", `expected "server" (Gatehouse's server answers /gateway) or "next" (the Next.js route handler does), got "${raw}"`);
  };
  const number = (name: "GATEHOUSE_GATEWAY_TTFB_SECONDS" | "GATEHOUSE_GATEWAY_MAX_BODY_MB" | "GATEHOUSE_GATEWAY_PORT", fallback: number, min: number, max: number, unit: string): number => {
    const raw = e[name];
    if (blank(raw)) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(name, `expected ${unit} between ${min} and ${max}, got "${raw}"`);
    return value;
  };
  const gatewayPort = number("GATEHOUSE_GATEWAY_PORT", 3001, 1, 65535, "a port number");
  if (!Number.isInteger(gatewayPort)) throw new ConfigError("GATEHOUSE_GATEWAY_PORT", `expected a port number 1-65535, got "${e.GATEHOUSE_GATEWAY_PORT}"`);
  const gateway: GatewayConfig = {
    ttfbTimeoutMs: Math.round(number("GATEHOUSE_GATEWAY_TTFB_SECONDS", 60, 0.001, 3600, "seconds") * 1000),
    maxBodyBytes: Math.round(number("GATEHOUSE_GATEWAY_MAX_BODY_MB", 32, 0.001, 1024, "megabytes") * 1024 * 1024),
    port: gatewayPort,
    mount: gatewayMount(e.GATEHOUSE_GATEWAY_MOUNT),
  };

  return {
    gateway,
    port,
    databaseUrl,
    dataDir,
    encryptionKey,
    sessionTtlMs,
    secureCookies,
    cfAccess,
    cfAiGatewayOrigin,
    publicOrigin,
    logFormat: logFormat.format,
    shutdownGraceMs,
    listenHost,
  };
}

/** A 32-byte key from 64 hex characters or base64 (`openssl rand -base64 32`), or null. */
export function decodeKey(raw: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(raw)) return Buffer.from(raw, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    const buf = Buffer.from(raw.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (buf.length === 32) return buf;
  }
  return null;
}

const CONFIG = Symbol.for("gatehouse.config");
type ConfigHolder = { [CONFIG]?: Config };

/**
 * The process-wide configuration, parsed on first use and then reused
 * (held on `globalThis` so the middleware bundle and the app bundle share it).
 * @throws {ConfigError} when the environment is invalid.
 */
export function getConfig(): Config {
  const holder = globalThis as ConfigHolder;
  return (holder[CONFIG] ??= parseConfig());
}
