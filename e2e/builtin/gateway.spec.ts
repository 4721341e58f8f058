import OpenAI from "openai";
import { expect, test } from "@playwright/test";
import { signInBuiltinAdmin, startFakeOpenAI, fakeCloudflare, unique } from "../fixtures/api";
import type { RecordedRequest } from "../fixtures/fake-openai";
import { E2E } from "../fixtures/ports";

// The official openai SDK, pointed at /gateway/<provider-key>/v1 with a virtual key,
// through both an OpenAI-compatible provider and a Cloudflare AI Gateway provider,
// each backed by a loopback fake upstream.
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const REAL_OPENAI_KEY = "sk-real-upstream-openai-key-123";
const REAL_CF_KEY = "sk-real-upstream-cf-byok-key-456";
const CF_TOKEN = "cf-aig-token-789";

test.describe("LLM gateway with the openai SDK", () => {
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  test.beforeAll(async () => {
    upstream = await startFakeOpenAI();
  });
  test.afterAll(async () => upstream.close());

  test("chat completions, plain and streamed, through both provider types", async ({ request, baseURL }) => {
    await signInBuiltinAdmin(request);
    const openaiKey = unique("oa");
    const cfKey = unique("cf");
    const gatewayId = unique("gw");
    let res = await request.post("/api/v1/providers", {
      data: { apiType: "openai-completions", key: openaiKey, name: "Fake OpenAI", baseUrl: `${upstream.url}/v1`, apiKey: REAL_OPENAI_KEY, models: [{ id: "gpt-test", inputCostPerMTok: 1, outputCostPerMTok: 2 }] },
    });
    expect(res.status()).toBe(201);
    const created = await res.json();
    expect(JSON.stringify(created)).not.toContain(REAL_OPENAI_KEY);
    res = await request.post("/api/v1/providers", {
      data: { apiType: "cloudflare-ai-gateway", key: cfKey, name: "Fake CF AI Gateway", accountId: ACCOUNT, gatewayId, apiKey: REAL_CF_KEY, gatewayToken: CF_TOKEN, models: "openai/gpt-4o-mini" },
    });
    expect(res.status()).toBe(201);
    expect((await res.json()).provider.baseUrl).toBe(`${E2E.fakeCloudflareUrl}/v1/${ACCOUNT}/${gatewayId}/compat`);

    res = await request.post("/api/v1/keys", { data: { name: "sdk test" } });
    expect(res.status()).toBe(201);
    const { secret, key } = await res.json();
    expect(secret).toMatch(/^sk-gh-[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(key)).not.toContain(secret);

    await fakeCloudflare(request, "reset");
    const messages = [{ role: "user" as const, content: "Say hello" }];
    for (const [providerKey, model] of <[string, string][]>[
      [openaiKey, "gpt-test"],
      [cfKey, "openai/gpt-4o-mini"],
    ]) {
      const client = new OpenAI({ apiKey: secret, baseURL: `${baseURL}/gateway/${providerKey}/v1`, maxRetries: 0 });
      const plain = await client.chat.completions.create({ model, messages });
      expect(plain.choices[0]!.message.content).toBe("Hello from the fake upstream.");
      expect(plain.usage?.completion_tokens).toBe(6);

      const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      let text = "";
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta?.content ?? "";
      }
      expect(text).toBe("Hello from the fake upstream.");
      expect(chunks).toBeGreaterThan(5);
    }

    // The OpenAI-compatible upstream saw the real key, never the virtual one.
    const direct = upstream.recorded.filter((r) => r.path === "/v1/chat/completions");
    expect(direct).toHaveLength(2);
    for (const r of direct) expectOnlyRealCredential(r, REAL_OPENAI_KEY, secret);

    // The Cloudflare upstream saw /v1/{account}/{gateway}/compat/chat/completions, the BYOK key and the gateway token.
    const viaCf = (await fakeCloudflare(request, "requests")) as RecordedRequest[];
    expect(viaCf.map((r) => r.path)).toEqual([`/v1/${ACCOUNT}/${gatewayId}/compat/chat/completions`, `/v1/${ACCOUNT}/${gatewayId}/compat/chat/completions`]);
    for (const r of viaCf) {
      expectOnlyRealCredential(r, REAL_CF_KEY, secret);
      expect(r.headers["cf-aig-authorization"]).toBe(`Bearer ${CF_TOKEN}`);
    }

    // One log row per call, with tokens (written just after each answer ends).
    await expect
      .poll(async () => {
        const usage = await (await request.get("/api/v1/usage?limit=50")).json();
        return usage.requests.filter((r: { providerKey: string }) => r.providerKey === openaiKey || r.providerKey === cfKey).length;
      })
      .toBe(4);
    const usage = await (await request.get("/api/v1/usage?limit=50")).json();
    const rows = usage.requests.filter((r: { providerKey: string }) => r.providerKey === openaiKey || r.providerKey === cfKey);
    for (const row of rows) {
      expect(row.status).toBe(200);
      expect(row.completionTokens).toBe(6);
      expect(row.promptTokens).toBeGreaterThan(0);
      expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(rows.filter((r: { stream: boolean }) => r.stream)).toHaveLength(2);
    const costed = rows.find((r: { providerKey: string; stream: boolean }) => r.providerKey === openaiKey && !r.stream);
    expect(costed.model).toBe("gpt-test");
    expect(costed.costUsd).toBeCloseTo((costed.promptTokens * 1 + 6 * 2) / 1e6, 10);
  });

  test("refuses missing, unknown and revoked keys in the SDK's error shape", async ({ request, baseURL }) => {
    await signInBuiltinAdmin(request);
    const providerKey = unique("oa");
    await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: providerKey, name: "P", baseUrl: upstream.url, apiKey: REAL_OPENAI_KEY } });
    const { secret, key } = await (await request.post("/api/v1/keys", { data: { name: "to revoke", allowedProviders: [providerKey] } })).json();
    const client = (apiKey: string, p = providerKey) => new OpenAI({ apiKey, baseURL: `${baseURL}/gateway/${p}/v1`, maxRetries: 0 });
    const before = upstream.recorded.length;

    await expect(client("sk-gh-" + "x".repeat(43)).chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    await expect(client(secret, unique("nope")).models.list()).rejects.toMatchObject({ status: 404 });
    expect((await client(secret).models.list()).data[0]!.id).toBe("fake-model");

    // A key limited to one provider cannot use another.
    const other = unique("oa");
    await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: other, name: "Other", baseUrl: upstream.url } });
    await expect(client(secret, other).models.list()).rejects.toMatchObject({ status: 403, code: "provider_not_allowed" });

    expect((await request.delete(`/api/v1/keys/${key.id}`)).status()).toBe(200);
    await expect(client(secret).models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(upstream.recorded.length - before).toBe(1); // only the one allowed call reached the upstream

    const raw = await request.get(`/gateway/${providerKey}/v1/models`); // a session cookie is not a gateway credential
    expect(raw.status()).toBe(401);
    expect((await raw.json()).error.code).toBe("missing_api_key");
  });
});

function expectOnlyRealCredential(r: RecordedRequest, realKey: string, virtualKey: string): void {
  expect(r.headers.authorization).toBe(`Bearer ${realKey}`);
  expect(JSON.stringify(r.headers)).not.toContain(virtualKey);
  expect(r.headers.cookie).toBeUndefined();
}
