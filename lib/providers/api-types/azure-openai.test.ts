import { describe, expect, it } from "vitest";
import { azureOpenai } from "./azure-openai";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";
import { UpstreamRefusal, type ApiTypeModule } from "./types";

const m: ApiTypeModule = azureOpenai;

// Paths and shapes from https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference
// (deployments + api-version) and …/openai/api-version-lifecycle (the v1 API).

const RES = "https://my-res.openai.azure.com";
const provider = (overrides: Parameters<typeof testProvider>[1] = {}) => testProvider(m.id, { baseUrl: RES, ...overrides });

describe("azure-openai: upstream URL", () => {
  it.each([
    ["/openai/deployments/gpt4o/chat/completions", "", `${RES}/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21`],
    ["/openai/deployments/gpt4o/chat/completions", "?api-version=2025-04-01-preview", `${RES}/openai/deployments/gpt4o/chat/completions?api-version=2025-04-01-preview`],
    ["/deployments/emb/embeddings", "", `${RES}/openai/deployments/emb/embeddings?api-version=2024-10-21`],
    ["/v1/chat/completions", "", `${RES}/openai/v1/chat/completions`],
    ["/openai/v1/responses", "", `${RES}/openai/v1/responses`],
  ])("%s%s", (path, search, expected) => {
    expect(m.upstreamUrl(provider(), path, search)).toBe(expected);
  });

  it("uses the stored api-version", () => {
    expect(m.upstreamUrl(provider({ settings: { apiVersion: "2025-01-01-preview" } }), "/openai/deployments/d/chat/completions", "")).toBe(
      `${RES}/openai/deployments/d/chat/completions?api-version=2025-01-01-preview`,
    );
  });

  it("refuses a path that is neither style, saying which are served", () => {
    expect(() => m.upstreamUrl(provider(), "/chat/completions", "")).toThrow(UpstreamRefusal);
    expect(() => m.upstreamUrl(provider(), "/chat/completions", "")).toThrow(/openai\/deployments/);
  });

  it("stores the resource endpoint, dropping /openai or /openai/v1, and the api-version", () => {
    const ctx = { cfAiGatewayOrigin: "", hasSecret: () => true };
    const parsed = m.fields.parse({ baseUrl: `${RES}/openai/v1/`, apiVersion: "2025-04-01-preview" });
    const stored = m.toStored(parsed, ctx);
    expect(stored).toEqual({ baseUrl: RES, settings: { apiVersion: "2025-04-01-preview" } });
    expect(m.fromStored(stored)).toEqual({ baseUrl: RES, apiVersion: "2025-04-01-preview" });
    expect(m.toStored(m.fields.parse({ baseUrl: RES, apiVersion: "" }), ctx)).toEqual({ baseUrl: RES, settings: {} });
    expect(m.fields.safeParse({ baseUrl: RES, apiVersion: "yesterday" }).error?.issues[0]?.message).toMatch(/api-version is a date/);
  });
});

describe("azure-openai: headers", () => {
  it("sends the key as api-key, never forwards a credential", () => {
    expect(m.authHeaders(provider({ secrets: { apiKey: "azure-real" } }))).toEqual({ "api-key": "azure-real" });
    for (const h of ["x-ms-client-request-id", "content-type"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of CREDENTIAL_HEADERS) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

describe("azure-openai: usage", () => {
  it("reads a chat completion, cached and reasoning tokens included", () => {
    const body = {
      id: "chatcmpl-1",
      object: "chat.completion",
      model: "gpt-4o-2024-11-20",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finish_reason: "stop", content_filter_results: {} }],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
      usage: { prompt_tokens: 1500, completion_tokens: 50, total_tokens: 1550, prompt_tokens_details: { cached_tokens: 1280 }, completion_tokens_details: { reasoning_tokens: 10 } },
    };
    expect(jsonUsage(m, body)).toEqual({ model: "gpt-4o-2024-11-20", promptTokens: 1500, completionTokens: 50, cachedTokens: 1280, cacheWriteTokens: null, reasoningTokens: 10 });
  });

  // Azure's first chunk carries prompt_filter_results with an empty model.
  const stream = sse([
    [null, { choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] }],
    [null, { choices: [{ index: 0, delta: { content: "Hé" } }], model: "gpt-4o-2024-11-20", object: "chat.completion.chunk" }],
    [null, { choices: [], model: "gpt-4o-2024-11-20", object: "chat.completion.chunk", usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }],
    [null, "[DONE]"],
  ]);

  it.each([1, 9, 100_000])("reads a stream's usage in reads of %i characters and spots the usage-only chunk", (size) => {
    const { usage, usageOnly } = sseUsage(m, stream, size);
    expect(usage).toMatchObject({ model: "gpt-4o-2024-11-20", promptTokens: 12, completionTokens: 3 });
    expect(usageOnly).toHaveLength(1);
  });

  it("injects include_usage into streamed chat", () => {
    const body: Record<string, unknown> = { stream: true, messages: [] };
    expect(m.prepareRequestBody(body, { provider: provider(), method: "POST", clientPath: "/openai/deployments/d/chat/completions" })).toEqual({ changed: true, usageInjected: true, added: { stream_options: { include_usage: true } } });
    expect(body.stream_options).toEqual({ include_usage: true });
  });
});

describe("azure-openai: errors and probe", () => {
  it("answers in OpenAI's error shape (which Azure uses)", () => {
    expect(m.errorBody(404, "DeploymentNotFound", "x")).toEqual({ error: { message: "DeploymentNotFound", type: "not_found_error", param: null, code: "x" } });
  });

  it("probes GET /openai/models with the api-version", () => {
    const probe = m.probe(provider({ settings: { apiVersion: "2025-01-01-preview" } }));
    expect(m.upstreamUrl(provider(), probe.clientPath, probe.search ?? "")).toBe(`${RES}/openai/models?api-version=2025-01-01-preview`);
  });
});
