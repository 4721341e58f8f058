import { describe, expect, it } from "vitest";
import { buildCompatBaseUrl, cloudflareAiGateway as m, parseCompatBaseUrl } from "./cloudflare-ai-gateway";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";
import { UpstreamRefusal } from "./types";

// https://developers.cloudflare.com/ai-gateway/usage/chat-completion/ and
// https://developers.cloudflare.com/ai-gateway/configuration/authentication/
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const BASE = `https://gateway.ai.cloudflare.com/v1/${ACCOUNT}/prod/compat`;
const provider = (overrides: Parameters<typeof testProvider>[1] = {}) => testProvider(m.id, { baseUrl: BASE, ...overrides });

describe("cloudflare-ai-gateway: base URL", () => {
  it("assembles the /compat base and parses it back", () => {
    const url = buildCompatBaseUrl("https://gateway.ai.cloudflare.com/", ACCOUNT.toUpperCase(), "prod");
    expect(url).toBe(BASE);
    expect(parseCompatBaseUrl(url)).toEqual({ accountId: ACCOUNT, gatewayId: "prod" });
    expect(parseCompatBaseUrl("https://api.openai.com/v1")).toBeNull();
    expect(parseCompatBaseUrl("https://gateway.ai.cloudflare.com/v1/not-hex/gw/compat")).toBeNull();
    const ctx = { cfAiGatewayOrigin: "http://127.0.0.1:9", hasSecret: () => false };
    const stored = m.toStored({ accountId: ACCOUNT, gatewayId: "gw-1", authMode: "stored-keys" }, ctx);
    expect(stored).toEqual({ baseUrl: `http://127.0.0.1:9/v1/${ACCOUNT}/gw-1/compat`, settings: { authMode: "stored-keys" } });
    expect(m.fromStored(stored)).toEqual({ accountId: ACCOUNT, gatewayId: "gw-1", authMode: "stored-keys" });
  });

  it("refuses an invalid Account ID and Gateway with messages that say where to find them", () => {
    const r = m.fields.safeParse({ accountId: "abc", gatewayId: "bad gateway" });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual([expect.stringMatching(/^accountId: .*32 hexadecimal/), expect.stringMatching(/^gatewayId: .*AI Gateway/)]);
  });
});

describe("cloudflare-ai-gateway: upstream URL", () => {
  it.each([
    ["/v1/chat/completions", `${BASE}/chat/completions`],
    ["/chat/completions", `${BASE}/chat/completions`],
    ["/v1/embeddings", `${BASE}/embeddings`],
  ])("%s", (path, expected) => {
    expect(m.upstreamUrl(provider(), path, "")).toBe(expected);
  });
});

describe("cloudflare-ai-gateway: the three auth modes", () => {
  it.each([
    ["unified-billing", { gatewayToken: "cf-token" }, { "cf-aig-authorization": "Bearer cf-token" }],
    ["stored-keys", { gatewayToken: "cf-token" }, { "cf-aig-authorization": "Bearer cf-token" }],
    // A key left over from another mode is not sent.
    ["unified-billing", { gatewayToken: "cf-token", apiKey: "sk-left-over" }, { "cf-aig-authorization": "Bearer cf-token" }],
    ["request-key", { apiKey: "sk-openai" }, { authorization: "Bearer sk-openai" }],
    ["request-key", { apiKey: "sk-openai", gatewayToken: "cf-token" }, { authorization: "Bearer sk-openai", "cf-aig-authorization": "Bearer cf-token" }],
  ] as const)("%s with %o", (authMode, secrets, headers) => {
    expect(m.authHeaders(provider({ secrets, settings: { authMode } }))).toEqual(headers);
  });

  it("reads rows saved before auth modes existed from their secrets", () => {
    expect(m.authHeaders(provider({ secrets: { apiKey: "sk-byok", gatewayToken: "t" } }))).toEqual({ authorization: "Bearer sk-byok", "cf-aig-authorization": "Bearer t" });
    expect(m.authHeaders(provider({ secrets: { gatewayToken: "t" } }))).toEqual({ "cf-aig-authorization": "Bearer t" });
  });

  it("says which secret each mode needs, and which it does not use", () => {
    const check = (authMode: string, has: string[]) => m.checkSecrets({ baseUrl: BASE, settings: { authMode } }, (n) => has.includes(n));
    expect(check("unified-billing", [])).toEqual({ gatewayToken: expect.stringMatching(/Unified Billing need a Cloudflare API token/) });
    expect(check("stored-keys", [])).toEqual({ gatewayToken: expect.stringMatching(/Stored keys need/) });
    expect(check("request-key", ["gatewayToken"])).toEqual({ apiKey: expect.stringMatching(/provider's API key/) });
    expect(check("unified-billing", ["gatewayToken"])).toBeNull();
    expect(check("request-key", ["apiKey"])).toBeNull();
    expect(m.secretsInUse({ baseUrl: BASE, settings: { authMode: "unified-billing" } })).toEqual(["gatewayToken"]);
    expect(m.secretsInUse({ baseUrl: BASE, settings: { authMode: "request-key" } })).toEqual(["apiKey", "gatewayToken"]);
  });

  it("passes cf-aig-* options, never a credential (the client's cf-aig-authorization included)", () => {
    for (const h of ["cf-aig-cache-ttl", "cf-aig-skip-cache", "cf-aig-metadata", "content-type"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of [...CREDENTIAL_HEADERS, "cf-ray", "cf-connecting-ip", "x-trace"]) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

describe("cloudflare-ai-gateway: model ids", () => {
  const ctx = { provider: provider(), method: "POST", clientPath: "/v1/chat/completions" };

  it.each([
    ["openai/gpt-4o-mini", { id: "openai/gpt-4o-mini" }],
    ["workers-ai/@cf/meta/llama-3.1-8b-instruct", { id: "workers-ai/@cf/meta/llama-3.1-8b-instruct" }],
    ["@cf/meta/llama-3.1-8b-instruct", { id: "workers-ai/@cf/meta/llama-3.1-8b-instruct" }],
    ["gpt-4o", { error: expect.stringMatching(/"gpt-4o" has no provider part: .*provider\/model/) }],
    ["openai/", { error: expect.any(String) }],
    ["/gpt-4o", { error: expect.any(String) }],
  ])("saves %s as %o", (id, expected) => {
    expect(m.normaliseModelId(id)).toEqual(expected);
  });

  it("rewrites @cf/… for the wire and asks a stream for usage", () => {
    const body: Record<string, unknown> = { model: "@cf/meta/llama-3.1-8b-instruct", stream: true };
    expect(m.prepareRequestBody(body, ctx)).toEqual({ changed: true, usageInjected: true });
    expect(body).toEqual({ model: "workers-ai/@cf/meta/llama-3.1-8b-instruct", stream: true, stream_options: { include_usage: true } });
    const plain = { model: "openai/gpt-4o-mini" };
    expect(m.prepareRequestBody(plain, ctx)).toEqual({ changed: false, usageInjected: false });
  });

  it("refuses a bare model id at the gateway with a 400 naming the provider/model form", () => {
    let caught: unknown;
    try {
      m.prepareRequestBody({ model: "gpt-4o" }, ctx);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UpstreamRefusal);
    expect(caught).toMatchObject({ status: 400, code: "invalid_model", message: expect.stringContaining("provider/model, e.g. openai/gpt-4o-mini") });
  });
});

describe("cloudflare-ai-gateway: usage, errors, probe", () => {
  it("reads OpenAI-shaped usage, plain and streamed in split reads", () => {
    expect(jsonUsage(m, { model: "openai/gpt-4o-mini", usage: { prompt_tokens: 12, completion_tokens: 3 } })).toMatchObject({ promptTokens: 12, completionTokens: 3 });
    const body = sse([
      [null, { model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "hi" } }] }],
      [null, { model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 4, completion_tokens: 1 } }],
      [null, "[DONE]"],
    ]);
    for (const size of [1, 5, 1000]) {
      const { usage, usageOnly } = sseUsage(m, body, size);
      expect(usage).toMatchObject({ model: "gpt-4o-mini", promptTokens: 4, completionTokens: 1 });
      expect(usageOnly).toHaveLength(1);
    }
  });

  it.each([
    [2009, 401, "Unauthorized", /store a Cloudflare API token/],
    [2008, 400, "Invalid provider", /not a provider Cloudflare knows/],
    [2005, 400, "Failed to get response from provider", /check the model id/],
  ])("keeps Cloudflare's text for error %i and says what to change", (code, status, message, advice) => {
    const body = JSON.stringify({ success: false, result: [], messages: [], error: [{ code, message }] });
    const out = JSON.parse(m.explainUpstreamError(status, body)!);
    expect(out.error.message).toContain(`${message} (Cloudflare AI Gateway error ${code}).`);
    expect(out.error.message).toMatch(advice);
    expect(out.error.code).toBe(`cloudflare_${code}`);
  });

  it("leaves other error bodies alone", () => {
    expect(m.explainUpstreamError(429, JSON.stringify({ error: { message: "slow down" } }))).toBeNull();
    expect(m.explainUpstreamError(500, "<html>")).toBeNull();
  });

  it("probes with a one-token completion of the first model", () => {
    const probe = m.probe(provider({ models: [{ id: "openai/gpt-4o-mini" }] }));
    expect(probe).toMatchObject({ method: "POST", clientPath: "/v1/chat/completions", body: { model: "openai/gpt-4o-mini", max_tokens: 1 } });
    expect(m.upstreamUrl(provider(), probe.clientPath, "")).toBe(`${BASE}/chat/completions`);
  });
});
