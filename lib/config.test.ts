import { describe, expect, it } from "vitest";
import { ConfigError, normaliseTeamDomain, parseConfig } from "./config";

const KEY = "a".repeat(64);

function errorOf(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("defaults to built-in sign-in on embedded PGlite", () => {
    const config = parseConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.cfAccess).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.cfAiGatewayOrigin).toBe("https://gateway.ai.cloudflare.com");
  });

  it.each([
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_TEAM_DOMAIN: "acme" }, /^CF_ACCESS_AUD: required when CF_ACCESS_ENABLED=true/],
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_AUD: "abc" }, /^CF_ACCESS_TEAM_DOMAIN: required when CF_ACCESS_ENABLED=true/],
    [{ CF_ACCESS_ENABLED: "maybe" }, /^CF_ACCESS_ENABLED: expected true or false, got "maybe"/],
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_AUD: "abc", CF_ACCESS_TEAM_DOMAIN: "http://acme.example.com" }, /^CF_ACCESS_TEAM_DOMAIN: .*must use https/],
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_AUD: "abc", CF_ACCESS_TEAM_DOMAIN: "https://acme.cloudflareaccess.com/cdn-cgi" }, /^CF_ACCESS_TEAM_DOMAIN: .*without path/],
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_AUD: "abc", CF_ACCESS_TEAM_DOMAIN: "not a domain!" }, /^CF_ACCESS_TEAM_DOMAIN: .*neither a team name/],
    [{ CF_ACCESS_ENABLED: "true", CF_ACCESS_AUD: "a b", CF_ACCESS_TEAM_DOMAIN: "acme" }, /^CF_ACCESS_AUD: must be a single AUD tag/],
    [{ DATABASE_URL: "mysql://root@localhost/db", GATEHOUSE_ENCRYPTION_KEY: KEY }, /^DATABASE_URL: expected a postgres:\/\/ URL/],
    [{ DATABASE_URL: "postgres://localhost/db" }, /^GATEHOUSE_ENCRYPTION_KEY: required with DATABASE_URL/],
    [{ GATEHOUSE_ENCRYPTION_KEY: "short" }, /^GATEHOUSE_ENCRYPTION_KEY: expected 32 bytes/],
    [{ PORT: "70000" }, /^PORT: expected a port number/],
    [{ CF_AI_GATEWAY_ORIGIN: "http://gateway.example.com" }, /^CF_AI_GATEWAY_ORIGIN: must use https/],
    [{ GATEHOUSE_SESSION_TTL_HOURS: "-1" }, /^GATEHOUSE_SESSION_TTL_HOURS: expected hours/],
    [{ GATEHOUSE_PUBLIC_URL: "gatehouse.example.com" }, /^GATEHOUSE_PUBLIC_URL: is not a URL/],
    [{ GATEHOUSE_PUBLIC_URL: "ftp://gatehouse.example.com" }, /^GATEHOUSE_PUBLIC_URL: must be an http\(s\) URL/],
    [{ GATEHOUSE_PUBLIC_URL: "https://gatehouse.example.com/app" }, /^GATEHOUSE_PUBLIC_URL: must be an origin only/],
    [{ VERCEL: "1" }, /^DATABASE_URL: required on Vercel/],
    [{ GATEHOUSE_LOG_FORMAT: "xml" }, /^GATEHOUSE_LOG_FORMAT: expected text or json, got "xml"/],
    [{ GATEHOUSE_SHUTDOWN_GRACE_SECONDS: "soon" }, /^GATEHOUSE_SHUTDOWN_GRACE_SECONDS: expected seconds/],
    [{ GATEHOUSE_SHUTDOWN_GRACE_SECONDS: "-1" }, /^GATEHOUSE_SHUTDOWN_GRACE_SECONDS: expected seconds/],
    [{ GATEHOUSE_GATEWAY_MOUNT: "edge" }, /^GATEHOUSE_GATEWAY_MOUNT: expected "server" .* or "next" .*, got "edge"/],
  ])("refuses %o with a one-line message naming the variable", (env, message) => {
    const text = errorOf(env as Record<string, string>);
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  it.each([
    ["acme", "https://acme.cloudflareaccess.com"],
    ["acme.cloudflareaccess.com", "https://acme.cloudflareaccess.com"],
    ["https://acme.cloudflareaccess.com", "https://acme.cloudflareaccess.com"],
    ["https://acme.cloudflareaccess.com/", "https://acme.cloudflareaccess.com"],
    ["http://127.0.0.1:9000", "http://127.0.0.1:9000"],
    ["http://localhost:9000/", "http://localhost:9000"],
  ])("reads the team domain %s as %s", (raw, origin) => {
    expect(normaliseTeamDomain(raw)).toBe(origin);
  });

  it("builds the Access URLs from the team domain", () => {
    const config = parseConfig({ CF_ACCESS_ENABLED: "true", CF_ACCESS_TEAM_DOMAIN: "acme", CF_ACCESS_AUD: "aud123" });
    expect(config.cfAccess).toEqual({
      teamDomain: "https://acme.cloudflareaccess.com",
      aud: "aud123",
      certsUrl: "https://acme.cloudflareaccess.com/cdn-cgi/access/certs",
      logoutUrl: "https://acme.cloudflareaccess.com/cdn-cgi/access/logout",
    });
  });

  it("reads the public URL as an origin", () => {
    expect(parseConfig({}).publicOrigin).toBeNull();
    expect(parseConfig({ GATEHOUSE_PUBLIC_URL: "https://Gatehouse.Example.com/" }).publicOrigin).toBe("https://gatehouse.example.com");
    expect(parseConfig({ GATEHOUSE_PUBLIC_URL: "http://127.0.0.1:3000" }).publicOrigin).toBe("http://127.0.0.1:3000");
  });

  it("reads the operational settings: log format, shutdown grace, listen address", () => {
    const defaults = parseConfig({});
    expect([defaults.logFormat, defaults.shutdownGraceMs, defaults.listenHost]).toEqual(["text", 8_000, null]);
    const set = parseConfig({ GATEHOUSE_LOG_FORMAT: "JSON", GATEHOUSE_SHUTDOWN_GRACE_SECONDS: "2.5", GATEHOUSE_LISTEN_HOST: "127.0.0.1" });
    expect([set.logFormat, set.shutdownGraceMs, set.listenHost]).toEqual(["json", 2_500, "127.0.0.1"]);
  });

  it("reads who answers /gateway in the app's server: Gatehouse's server by default, or Next.js", () => {
    expect(parseConfig({}).gateway.mount).toBe("server");
    expect(parseConfig({ GATEHOUSE_GATEWAY_MOUNT: " Next " }).gateway.mount).toBe("next");
    expect(parseConfig({ GATEHOUSE_GATEWAY_MOUNT: "server" }).gateway.mount).toBe("server");
  });

  it("runs on Vercel with a PostgreSQL database", () => {
    expect(parseConfig({ VERCEL: "1", DATABASE_URL: "postgres://db.example.com/gatehouse", GATEHOUSE_ENCRYPTION_KEY: KEY }).databaseUrl).toBe("postgres://db.example.com/gatehouse");
  });

  it("accepts the encryption key as hex or base64", () => {
    expect(parseConfig({ GATEHOUSE_ENCRYPTION_KEY: KEY }).encryptionKey?.length).toBe(32);
    expect(parseConfig({ GATEHOUSE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).encryptionKey?.length).toBe(32);
  });
});
