import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { currentEncryptionKey, openSecretWith, sealSecretWith, useEncryptionKey } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { providers } from "@/lib/db/schema";
import { createProvider, getUpstreamProvider } from "./queries";
import { rotateEncryptionKey } from "./rotate-encryption-key";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table providers cascade`);
});

describe("rotate-encryption-key", () => {
  it("re-encrypts every secret under the new key and says how many", async () => {
    await createProvider({ apiType: "openai-completions", key: "pa", name: "A", baseUrl: "https://api.openai.com/v1", apiKey: "sk-first-0123456789" });
    await createProvider({ apiType: "cloudflare-ai-gateway", key: "pb", name: "B", authMode: "request-key", accountId: ACCOUNT, gatewayId: "gw", apiKey: "sk-second-0123456789", gatewayToken: "cf-token-0123456789" });
    await createProvider({ apiType: "ollama", key: "pc", name: "C", baseUrl: "http://127.0.0.1:11434" });
    const oldKey = currentEncryptionKey();
    const newKey = randomBytes(32);

    expect(await rotateEncryptionKey({ oldKey, newKey })).toEqual({ secrets: 3, providers: 2 });

    const db = await getDb();
    const rows = await db.select().from(providers);
    const sealed = rows.flatMap((r) => [r.apiKeyEncrypted, r.gatewayTokenEncrypted]).filter((v): v is string => v !== null);
    expect(sealed.map((s) => openSecretWith(newKey, s)).sort()).toEqual(["cf-token-0123456789", "sk-first-0123456789", "sk-second-0123456789"]);
    for (const s of sealed) expect(() => openSecretWith(oldKey, s)).toThrow(/cannot be decrypted/);

    useEncryptionKey(newKey);
    try {
      expect((await getUpstreamProvider({ key: "pb" }))!.secrets).toEqual({ apiKey: "sk-second-0123456789", gatewayToken: "cf-token-0123456789" });
    } finally {
      useEncryptionKey(oldKey);
    }
  });

  it("changes nothing when one secret cannot be opened, and names its provider", async () => {
    await createProvider({ apiType: "openai-completions", key: "good", name: "Good", baseUrl: "https://api.openai.com/v1", apiKey: "sk-good-0123456789" });
    await createProvider({ apiType: "openai-completions", key: "zzz-bad", name: "Bad", baseUrl: "https://api.openai.com/v1", apiKey: "sk-bad-0123456789" });
    const db = await getDb();
    await db.execute(sql`update providers set api_key_encrypted = ${sealSecretWith(randomBytes(32), "sk-bad-0123456789")} where key = 'zzz-bad'`);
    const before = await db.select().from(providers);

    await expect(rotateEncryptionKey({ oldKey: currentEncryptionKey(), newKey: randomBytes(32) })).rejects.toThrow(/provider "zzz-bad" cannot be opened with the current key; nothing was changed/);
    const after = await db.select().from(providers);
    expect(after.map((r) => r.apiKeyEncrypted).sort()).toEqual(before.map((r) => r.apiKeyEncrypted).sort());
  });

  it("refuses the key in use and keys of the wrong size", async () => {
    const key = currentEncryptionKey();
    await expect(rotateEncryptionKey({ oldKey: key, newKey: key })).rejects.toThrow(/is the key in use/);
    await expect(rotateEncryptionKey({ oldKey: key, newKey: randomBytes(16) })).rejects.toThrow(/32 bytes/);
  });
});
