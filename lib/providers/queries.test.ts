import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { providers } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createProvider, getUpstreamProvider, listProviders, testProvider, updateProvider } from "./queries";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table providers cascade`);
});

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    return err as AppError;
  }
  throw new Error("expected an error");
}

describe("providers", () => {
  it("creates a Cloudflare AI Gateway provider from Account ID and Gateway, and gives them back on read", async () => {
    const p = await createProvider({ apiType: "cloudflare-ai-gateway", key: "cf", name: "Cloudflare", accountId: ACCOUNT, gatewayId: "prod", apiKey: "sk-upstream-secret", models: "openai/gpt-4o-mini 0.15 0.6\nworkers-ai/@cf/meta/llama-3.1-8b-instruct" });
    expect(p.baseUrl).toBe(`https://gateway.ai.cloudflare.com/v1/${ACCOUNT}/prod/compat`);
    expect(p).toMatchObject({ fields: { accountId: ACCOUNT, gatewayId: "prod" }, hasApiKey: true, secrets: { apiKey: { last4: "cret" } } });
    expect(p.models.map((m) => m.qualifiedId)).toEqual(["cf/openai/gpt-4o-mini", "cf/workers-ai/@cf/meta/llama-3.1-8b-instruct"]);
    expect(p.models[0]).toMatchObject({ inputCostPerMTok: 0.15, outputCostPerMTok: 0.6 });
    const edited = await updateProvider({ id: p.id, input: { gatewayId: "staging" } });
    expect(edited.baseUrl).toBe(`https://gateway.ai.cloudflare.com/v1/${ACCOUNT}/staging/compat`);
    expect(edited.fields.accountId).toBe(ACCOUNT);
  });

  it("encrypts API keys at rest and never returns them", async () => {
    const p = await createProvider({ apiType: "openai-completions", key: "openai", name: "OpenAI", baseUrl: "https://api.openai.com/v1/", apiKey: "sk-upstream-secret", models: [] });
    expect(p.baseUrl).toBe("https://api.openai.com/v1");
    expect(JSON.stringify(p)).not.toContain("sk-upstream-secret");
    expect(JSON.stringify(await listProviders())).not.toContain("sk-upstream-secret");
    const db = await getDb();
    const [row] = await db.select().from(providers);
    expect(row!.apiKeyEncrypted).not.toContain("sk-upstream-secret");
    expect((await getUpstreamProvider({ key: "openai" }))!.secrets.apiKey).toBe("sk-upstream-secret");
    // Blank keeps the stored key; null removes it.
    await updateProvider({ id: p.id, input: { apiKey: "", name: "OpenAI (prod)" } });
    expect((await getUpstreamProvider({ key: "openai" }))!.secrets.apiKey).toBe("sk-upstream-secret");
    await updateProvider({ id: p.id, input: { apiKey: null } });
    expect((await getUpstreamProvider({ key: "openai" }))!.secrets.apiKey).toBeUndefined();
  });

  it.each([
    [{ apiType: "cloudflare-ai-gateway", key: "cf", name: "x", accountId: "abc", gatewayId: "gw" }, "accountId"],
    [{ apiType: "cloudflare-ai-gateway", key: "cf", name: "x", accountId: ACCOUNT, gatewayId: "bad gateway" }, "gatewayId"],
    [{ apiType: "openai-completions", key: "Bad Key", name: "x", baseUrl: "https://a.example" }, "key"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "ftp://a.example" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "https://user:pw@a.example" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "https://a.example", models: "gpt-4o\ngpt-4o" }, "models"],
    [{ apiType: "telepathy", key: "ok", name: "x" }, "apiType"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "https://api.example.com/v1/chat/completions" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "http://api.example.com/v1" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "http:///v1" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "http://169.254.169.254/latest" }, "baseUrl"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "https://a.example/v1", models: "gpt-4o 1 x" }, "models"],
    [{ apiType: "openai-completions", key: "ok", name: "x", baseUrl: "https://a.example/v1", models: [{ id: "bad\uD800id" }] }, "models"],
    [{ apiType: "cloudflare-ai-gateway", key: "cf", name: "x", accountId: ACCOUNT, gatewayId: "gw", gatewayToken: "t0123456789", models: "gpt-4o" }, "models"],
  ])("refuses %o, naming the field", async (input, field) => {
    const err = await caught(createProvider(input));
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(Object.keys(err.fieldErrors ?? {}).some((k) => k === field || k.startsWith(`${field}.`))).toBe(true);
    expect(await listProviders()).toHaveLength(0);
  });

  it("validates an edit as a whole: nothing to change, a field of another type, a secret the mode needs", async () => {
    const openai = await createProvider({ apiType: "openai-completions", key: "oa", name: "OpenAI", baseUrl: "https://api.openai.com/v1" });
    expect(await caught(updateProvider({ id: openai.id, input: {} }))).toMatchObject({ status: 400, message: expect.stringMatching(/Nothing to change/) });
    expect(await caught(updateProvider({ id: openai.id, input: { accountId: ACCOUNT } }))).toMatchObject({ status: 400, message: expect.stringMatching(/Not a field of a OpenAI-compatible provider: accountId/) });
    expect(await caught(updateProvider({ id: openai.id, input: { apiType: "cloudflare-ai-gateway" } }))).toMatchObject({ status: 400, message: expect.stringMatching(/cannot change/) });

    const cf = await createProvider({ apiType: "cloudflare-ai-gateway", key: "cfub", name: "CF", authMode: "unified-billing", accountId: ACCOUNT, gatewayId: "gw", gatewayToken: "cf-token-0123456789" });
    expect(cf.secrets).toEqual({ gatewayToken: { last4: "6789" } });
    const err = await caught(updateProvider({ id: cf.id, input: { gatewayToken: null } }));
    expect(err.fieldErrors).toEqual({ gatewayToken: [expect.stringMatching(/Unified Billing need a Cloudflare API token/)] });
    expect(await caught(createProvider({ apiType: "cloudflare-ai-gateway", key: "cfx", name: "CF", authMode: "unified-billing", accountId: ACCOUNT, gatewayId: "gw", gatewayToken: "t0123456789abc", apiKey: "sk-unused" }))).toMatchObject({
      fieldErrors: { apiKey: [expect.stringMatching(/Not used with these settings/)] },
    });
  });

  it("keeps provider keys unique", async () => {
    await createProvider({ apiType: "openai-completions", key: "dup", name: "A", baseUrl: "https://a.example/v1" });
    const err = await caught(createProvider({ apiType: "openai-completions", key: "dup", name: "B", baseUrl: "https://b.example/v1" }));
    expect(err.status).toBe(409);
    expect(err.fieldErrors).toEqual({ key: ["Another provider already uses this key"] });
  });

  it("stores each type's settings and reads them back (Cloudflare's auth mode, Azure's api-version)", async () => {
    const cf = await createProvider({ apiType: "cloudflare-ai-gateway", key: "cfs", name: "CF", authMode: "stored-keys", accountId: ACCOUNT, gatewayId: "gw", gatewayToken: "cf-token-0123456789" });
    expect(cf.fields).toEqual({ accountId: ACCOUNT, gatewayId: "gw", authMode: "stored-keys" });
    expect((await getUpstreamProvider({ key: "cfs" }))!.settings).toEqual({ authMode: "stored-keys" });
    // An edit that does not touch the mode keeps it.
    expect((await updateProvider({ id: cf.id, input: { name: "CF 2" } })).fields.authMode).toBe("stored-keys");

    const azure = await createProvider({ apiType: "azure-openai", key: "az", name: "Azure", baseUrl: "https://res.openai.azure.com/openai/", apiVersion: "2025-04-01-preview", apiKey: "azure-key-0123456789" });
    expect(azure).toMatchObject({ baseUrl: "https://res.openai.azure.com", fields: { baseUrl: "https://res.openai.azure.com", apiVersion: "2025-04-01-preview" } });
    expect((await getUpstreamProvider({ key: "az" }))!.settings).toEqual({ apiVersion: "2025-04-01-preview" });
    expect((await updateProvider({ id: azure.id, input: { apiVersion: "" } })).fields.apiVersion).toBe("");
  });

  it.each([
    ["anthropic-messages", "https://api.anthropic.com"],
    ["google-generative-ai", "https://generativelanguage.googleapis.com"],
    ["openai-responses", "https://api.openai.com/v1"],
    ["ollama", "http://127.0.0.1:11434/v1"],
  ])("creates a %s provider", async (apiType, baseUrl) => {
    const p = await createProvider({ apiType, key: "p1", name: "P", baseUrl, apiKey: "key-0123456789abcd" });
    expect(p).toMatchObject({ apiType, baseUrl, secrets: { apiKey: { last4: "abcd" } } });
  });

  it("tests a provider with its stored credential, or with typed fields before saving", async () => {
    const auth: string[] = [];
    const server = http.createServer((req, res) => {
      auth.push(String(req.headers.authorization));
      res.writeHead(req.headers.authorization === "Bearer sk-good-0123456789" ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(req.headers.authorization === "Bearer sk-good-0123456789" ? { data: [{ id: "m1" }] } : { error: { message: "Invalid API key" } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      // Not saved yet: a create body without key or name.
      expect(await testProvider({ input: { apiType: "openai-completions", baseUrl: base, apiKey: "sk-good-0123456789" } })).toMatchObject({ ok: true, status: 200, models: [{ id: "m1" }] });
      const p = await createProvider({ apiType: "openai-completions", key: "t1", name: "T", baseUrl: base, apiKey: "sk-bad-0123456789" });
      expect(await testProvider({ id: p.id })).toMatchObject({ ok: false, status: 401, message: "Upstream answered 401: Invalid API key" });
      // A typed key is tried without being saved; blank keeps the stored one.
      expect(await testProvider({ id: p.id, input: { apiKey: "sk-good-0123456789", name: "ignored", models: "half typed 1 x" } })).toMatchObject({ ok: true });
      expect(await testProvider({ id: p.id, input: { apiKey: "" } })).toMatchObject({ ok: false, status: 401 });
      expect(auth).toEqual(["Bearer sk-good-0123456789", "Bearer sk-bad-0123456789", "Bearer sk-good-0123456789", "Bearer sk-bad-0123456789"]);
      expect((await getUpstreamProvider({ key: "t1" }))!.secrets.apiKey).toBe("sk-bad-0123456789");
      // The typed fields are validated as on save.
      expect(await caught(testProvider({ id: p.id, input: { baseUrl: "https://api.example.com/v1/chat/completions" } }))).toMatchObject({ status: 400, fieldErrors: { baseUrl: [expect.stringMatching(/drop "\/chat\/completions"/)] } });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
