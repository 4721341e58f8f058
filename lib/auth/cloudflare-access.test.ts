import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportSPKI, SignJWT, base64url } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeCloudflare, type FakeCloudflare } from "@/e2e/fixtures/fake-cloudflare";
import { createSigningKey } from "@/e2e/fixtures/access-issuer";
import { createAccessKeySet, createAccessVerifier, type AccessKeySetOptions, type AccessRejection, type AccessVerifier } from "./cloudflare-access";

// Real RS256 tokens from a loopback JWKS server shaped like Cloudflare's team domain.
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
let cf: FakeCloudflare;
const quietLog = { warn: vi.fn(), error: vi.fn(), info: vi.fn() };

beforeAll(async () => {
  cf = await startFakeCloudflare({ aud: AUD });
});
afterAll(() => cf.close());
beforeEach(() => {
  cf.setOutage(false);
  quietLog.warn.mockClear();
  quietLog.error.mockClear();
  quietLog.info.mockClear();
});

function setup(keyOptions: Partial<AccessKeySetOptions> = {}, verifierOptions: { clockToleranceSec?: number; verifiedCacheMs?: number } = {}) {
  const keys = createAccessKeySet({ certsUrl: `${cf.url}/cdn-cgi/access/certs`, log: quietLog, ...keyOptions });
  const verifier = createAccessVerifier({ teamDomain: cf.url, aud: AUD, keys, ...verifierOptions });
  return { keys, verifier };
}

async function rejection(verifier: AccessVerifier, token: string | null): Promise<AccessRejection | "accepted"> {
  try {
    await verifier.verify(token);
    return "accepted";
  } catch (err) {
    return (err as { reason: AccessRejection }).reason;
  }
}

const b64 = (value: unknown) => base64url.encode(JSON.stringify(value));
const now = () => Math.floor(Date.now() / 1000);

describe("Cloudflare Access token verification", () => {
  it("accepts a Cloudflare-shaped token and returns the email trimmed and lower-cased", async () => {
    const { verifier } = setup();
    const token = await cf.issuer.mint({ email: "  Ada.Lovelace@Example.COM " });
    await expect(verifier.verify(token)).resolves.toEqual({ kind: "email", email: "ada.lovelace@example.com" });
  });

  it("accepts aud as a plain string and iss with a trailing slash", async () => {
    const { verifier } = setup();
    expect(await rejection(verifier, await cf.issuer.mint({ aud: AUD }))).toBe("accepted");
    expect(await rejection(verifier, await cf.issuer.mint({ iss: `${cf.url}/` }))).toBe("accepted");
    expect(await rejection(verifier, await cf.issuer.mint({ aud: ["other-app", AUD] }))).toBe("accepted");
  });

  it("returns a service token's Client ID from common_name", async () => {
    const { verifier } = setup();
    const token = await cf.issuer.mint({ commonName: "88bf3b6d86161464f6509f7219099e57.access" });
    await expect(verifier.verify(token)).resolves.toEqual({ kind: "service-token", clientId: "88bf3b6d86161464f6509f7219099e57.access" });
  });

  it.each<[string, () => Promise<string | null>, AccessRejection]>([
    ["no token", async () => null, "missing"],
    ["empty token", async () => "", "missing"],
    ["an oversized token", async () => `${"a".repeat(9000)}.b.c`, "oversized"],
    ["garbage", async () => "not-a-jwt", "malformed"],
    ["two segments", async () => "eyJhbGciOiJSUzI1NiJ9.eyJ9", "malformed"],
    ["a header that is not JSON", async () => `${base64url.encode("{nope")}.${b64({})}.c2ln`, "malformed"],
    ["alg none (empty signature)", async () => `${b64({ alg: "none", kid: cf.issuer.current.kid })}.${b64({ email: "a@example.com", aud: [AUD], iss: cf.url, exp: now() + 60 })}.`, "malformed"],
    ["alg none with a fake signature", async () => `${b64({ alg: "none", kid: cf.issuer.current.kid })}.${b64({ email: "a@example.com", aud: [AUD], iss: cf.url, exp: now() + 60 })}.AAAA`, "algorithm"],
    [
      "HS256 keyed with our public key (PEM)",
      async () => {
        const { importJWK } = await import("jose");
        const pem = await exportSPKI((await importJWK(cf.issuer.current.publicJwk, "RS256", { extractable: true })) as CryptoKey);
        return new SignJWT({ email: "a@example.com", aud: [AUD], iss: cf.url })
          .setProtectedHeader({ alg: "HS256", kid: cf.issuer.current.kid })
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(pem));
      },
      "algorithm",
    ],
    [
      "HS256 keyed with our public JWK",
      async () =>
        new SignJWT({ email: "a@example.com", aud: [AUD], iss: cf.url })
          .setProtectedHeader({ alg: "HS256", kid: cf.issuer.current.kid })
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(JSON.stringify(cf.issuer.current.publicJwk))),
      "algorithm",
    ],
    [
      "a header claiming RS512 or PS256 over a real RS256 signature",
      async () => {
        const [, payload, signature] = (await cf.issuer.mint()).split(".");
        return `${b64({ alg: "PS256", kid: cf.issuer.current.kid })}.${payload}.${signature}`;
      },
      "algorithm",
    ],
    ["no kid", async () => cf.issuer.mint({ kid: null }), "no_kid"],
    ["a kid nobody published", async () => cf.issuer.mint({ kid: "made-up" }), "unknown_key"],
    [
      "a tampered payload",
      async () => {
        const [h, , s] = (await cf.issuer.mint({ email: "user@example.com" })).split(".");
        return `${h}.${b64({ email: "admin@example.com", aud: [AUD], iss: cf.url, exp: now() + 600 })}.${s}`;
      },
      "bad_signature",
    ],
    ["a key not in the JWKS, reusing a published kid", async () => cf.issuer.mint({}, { ...(await createSigningKey(cf.issuer.current.kid)) }), "bad_signature"],
    ["another application's aud", async () => cf.issuer.mint({ aud: ["someone-elses-aud"] }), "audience"],
    ["another team's iss", async () => cf.issuer.mint({ iss: "https://evil.cloudflareaccess.com" }), "issuer"],
    ["an expired token (beyond 60 s leeway)", async () => cf.issuer.mint({ expiresIn: -120 }), "expired"],
    ["no exp", async () => cf.issuer.mint({ noExp: true }), "expired"],
    ["nbf in the future (beyond leeway)", async () => cf.issuer.mint({ nbf: now() + 300 }), "not_yet_valid"],
    ["iat in the future (beyond leeway)", async () => cf.issuer.mint({ iat: now() + 300 }), "issued_in_future"],
    ["a numeric email", async () => cf.issuer.mint({ email: 42 }), "no_identity"],
    ["an array email", async () => cf.issuer.mint({ email: ["a@example.com"] }), "no_identity"],
    ["an empty email", async () => cf.issuer.mint({ email: "   " }), "no_identity"],
    ["neither email nor common_name", async () => cf.issuer.mint({ commonName: "" }), "no_identity"],
  ])("rejects %s", async (_name, makeToken, reason) => {
    const { verifier } = setup();
    expect(await rejection(verifier, await makeToken())).toBe(reason);
  });

  it("honours up to 60 s of clock skew on exp and nbf, not more", async () => {
    const { verifier } = setup();
    expect(await rejection(verifier, await cf.issuer.mint({ expiresIn: -30 }))).toBe("accepted");
    expect(await rejection(verifier, await cf.issuer.mint({ nbf: now() + 30 }))).toBe("accepted");
    const strict = setup({}, { clockToleranceSec: 600 }).verifier; // asks for 600, gets 60
    expect(await rejection(strict, await cf.issuer.mint({ expiresIn: -120 }))).toBe("expired");
  });

  it("does not let a remembered verification outlive the token's exp", async () => {
    const { verifier } = setup({}, { clockToleranceSec: 0, verifiedCacheMs: 60_000 });
    const token = await cf.issuer.mint({ expiresIn: 1 });
    expect(await rejection(verifier, token)).toBe("accepted");
    await new Promise((r) => setTimeout(r, 2100));
    expect(await rejection(verifier, token)).toBe("expired");
  });
});

describe("Cloudflare Access signing keys", () => {
  it("fetches once and reuses the cached keys", async () => {
    const { keys, verifier } = setup();
    for (let i = 0; i < 20; i++) expect(await rejection(verifier, await cf.issuer.mint({ email: `u${i}@example.com` }))).toBe("accepted");
    expect(keys.fetchCount).toBe(1);
  });

  it("follows a rotation: the new key is accepted after a refetch, the previous key still works", async () => {
    const { keys, verifier } = setup({ cooldownMs: 0 });
    const previous = cf.issuer.current;
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted");
    await cf.issuer.rotate();
    expect(cf.issuer.current.kid).not.toBe(previous.kid);
    expect(await rejection(verifier, await cf.issuer.mint({ email: "after-rotation@example.com" }))).toBe("accepted");
    expect(keys.fetchCount).toBe(2);
    expect(await rejection(verifier, await cf.issuer.mint({ email: "old-key@example.com" }, previous))).toBe("accepted");
    expect(keys.kids).toContain(previous.kid);
  });

  it("drops a key Cloudflare stopped publishing once it refetches", async () => {
    const { verifier } = setup({ cooldownMs: 0 }, { verifiedCacheMs: 0 });
    const old = cf.issuer.current;
    const tokenOld = await cf.issuer.mint({ email: "old@example.com" }, old);
    expect(await rejection(verifier, tokenOld)).toBe("accepted");
    await cf.issuer.rotate({ keepPrevious: false });
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted"); // triggers the refetch
    expect(await rejection(verifier, tokenOld)).toBe("unknown_key");
  });

  it("keeps the cached keys working through a JWKS outage", async () => {
    const { keys, verifier } = setup({ refreshIntervalMs: 50, cooldownMs: 100 });
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted");
    cf.setOutage(true);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 30));
      expect(await rejection(verifier, await cf.issuer.mint({ email: `outage${i}@example.com` }))).toBe("accepted");
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(keys.fetchCount).toBeGreaterThan(1); // it did try to refresh...
    expect(keys.fetchCount).toBeLessThanOrEqual(5); // ...but no more than the cooldown allows
    expect(quietLog.warn).toHaveBeenCalledWith(expect.stringContaining("still using the"));
  });

  it("fails closed, with a clear log line, when the JWKS never loaded", async () => {
    cf.setOutage(true);
    const { keys, verifier } = setup({ cooldownMs: 60_000 });
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("keys_unavailable");
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("keys_unavailable");
    expect(keys.fetchCount).toBe(1);
    expect(quietLog.error).toHaveBeenCalledWith(expect.stringMatching(/cannot load Cloudflare Access keys .* every Access token is refused/));
  });

  it("gives up on a JWKS that does not answer within the timeout", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const hanging = http.createServer(() => {
      /* never answers */
    });
    hanging.on("connection", (s) => sockets.add(s));
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
    try {
      const keys = createAccessKeySet({ certsUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/cdn-cgi/access/certs`, timeoutMs: 200, log: quietLog });
      const verifier = createAccessVerifier({ teamDomain: cf.url, aud: AUD, keys });
      const started = Date.now();
      expect(await rejection(verifier, await cf.issuer.mint())).toBe("keys_unavailable");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(quietLog.error).toHaveBeenCalledWith(expect.stringContaining("timed out after 200 ms"));
    } finally {
      for (const s of sockets) s.destroy();
      hanging.close();
    }
  });

  it("turns a flood of made-up kids into a bounded number of fetches", async () => {
    const { keys, verifier } = setup({ cooldownMs: 10_000 });
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted");
    const forged = await Promise.all(Array.from({ length: 300 }, (_, i) => cf.issuer.mint({ kid: `flood-${i}` })));
    const concurrent = await Promise.all(forged.slice(0, 150).map((t) => rejection(verifier, t)));
    for (const t of forged.slice(150)) expect(await rejection(verifier, t)).toBe("unknown_key");
    expect(new Set(concurrent)).toEqual(new Set(["unknown_key"]));
    expect(keys.fetchCount).toBeLessThanOrEqual(2);
    // A genuine token still verifies after the flood.
    expect(await rejection(verifier, await cf.issuer.mint({ email: "after-flood@example.com" }))).toBe("accepted");
  });

  it("keeps the flood bounded during an outage too", async () => {
    const { keys, verifier } = setup({ cooldownMs: 10_000 });
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted");
    cf.setOutage(true);
    const before = cf.stats.certsFetches;
    for (let i = 0; i < 200; i++) expect(await rejection(verifier, await cf.issuer.mint({ kid: `x-${i}` }))).toBe("unknown_key");
    expect(cf.stats.certsFetches - before).toBeLessThanOrEqual(1);
    expect(keys.fetchCount).toBeLessThanOrEqual(2);
    expect(await rejection(verifier, await cf.issuer.mint())).toBe("accepted");
  });
});
