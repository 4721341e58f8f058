import { describe, expect, it } from "vitest";
import { openaiCompletions as m } from "./openai-completions";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";

// Shapes from https://platform.openai.com/docs/api-reference/chat/object,
// …/chat-streaming/streaming and …/embeddings/object.

describe("openai-completions: upstream URL", () => {
  it.each([
    ["https://api.openai.com/v1", "/v1/chat/completions", "https://api.openai.com/v1/chat/completions"],
    ["https://api.openai.com/v1", "/chat/completions", "https://api.openai.com/v1/chat/completions"],
    ["https://api.openai.com/v1", "/v1", "https://api.openai.com/v1"],
    ["https://api.openai.com/v1", "/v1x/odd", "https://api.openai.com/v1/v1x/odd"],
    ["https://openrouter.ai/api/v1", "/v1/models", "https://openrouter.ai/api/v1/models"],
    // The client's /v1 stands for the base's own version, whatever it is called.
    ["https://open.bigmodel.cn/api/paas/v4", "/v1/chat/completions", "https://open.bigmodel.cn/api/paas/v4/chat/completions"],
    ["https://generativelanguage.googleapis.com/v1beta/openai", "/v1/chat/completions", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"],
    // A bare origin keeps the client's path as sent.
    ["http://127.0.0.1:8000", "/v1/chat/completions", "http://127.0.0.1:8000/v1/chat/completions"],
    ["http://host:11434/v1", "/api/chat", "http://host:11434/v1/api/chat"],
  ])("%s + %s", (baseUrl, path, expected) => {
    expect(m.upstreamUrl(testProvider(m.id, { baseUrl }), path, "")).toBe(expected);
  });

  it("keeps the query", () => {
    expect(m.upstreamUrl(testProvider(m.id), "/v1/files", "?purpose=batch")).toBe("https://upstream.example/v1/files?purpose=batch");
  });
});

describe("openai-completions: headers", () => {
  it("sends the key as Authorization: Bearer, and nothing without one", () => {
    expect(m.authHeaders(testProvider(m.id, { secrets: { apiKey: "sk-real" } }))).toEqual({ authorization: "Bearer sk-real" });
    expect(m.authHeaders(testProvider(m.id))).toEqual({});
  });

  it("forwards OpenAI's own headers and never a credential", () => {
    for (const h of ["content-type", "accept", "openai-organization", "openai-project", "openai-beta"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of [...CREDENTIAL_HEADERS, "x-forwarded-for", "host", "anthropic-version", "x-trace"]) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

describe("openai-completions: request body", () => {
  const ctx = (clientPath: string) => ({ provider: testProvider(m.id), method: "POST", clientPath });

  it.each([
    ["streamed, no stream_options", { stream: true }, { changed: true, usageInjected: true, added: { stream_options: { include_usage: true } } }, { include_usage: true }],
    ["streamed, stream_options null", { stream: true, stream_options: null }, { changed: true, usageInjected: true }, { include_usage: true }],
    ["streamed, include_usage false", { stream: true, stream_options: { include_usage: false, x: 1 } }, { changed: true, usageInjected: true }, { include_usage: true, x: 1 }],
    ["streamed, asked for usage", { stream: true, stream_options: { include_usage: true } }, { changed: false, usageInjected: false }, { include_usage: true }],
    ["streamed, stream_options not an object (left for the upstream to refuse)", { stream: true, stream_options: 5 }, { changed: false, usageInjected: false }, 5],
    ["not streamed", { stream: false }, { changed: false, usageInjected: false }, undefined],
  ])("%s", (_name, body, result, streamOptions) => {
    const b: Record<string, unknown> = { model: "gpt-4o", ...body };
    expect(m.prepareRequestBody(b, ctx("/v1/chat/completions"))).toEqual(result);
    expect(b.stream_options).toEqual(streamOptions);
  });

  it("looks at chat and text completions only", () => {
    expect(m.inspectsRequestBody("POST", "/v1/chat/completions")).toBe(true);
    expect(m.inspectsRequestBody("POST", "/v1/completions")).toBe(true);
    expect(m.inspectsRequestBody("POST", "/v1/embeddings")).toBe(false);
    expect(m.inspectsRequestBody("GET", "/v1/models")).toBe(false);
    const b = { stream: true };
    expect(m.prepareRequestBody(b, ctx("/v1/embeddings"))).toEqual({ changed: false, usageInjected: false });
  });
});

describe("openai-completions: usage", () => {
  it("reads a chat completion, cached and reasoning tokens included", () => {
    const body = {
      id: "chatcmpl-1",
      object: "chat.completion",
      model: "gpt-4o-2024-08-06",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    };
    expect(jsonUsage(m, body)).toEqual({ model: "gpt-4o-2024-08-06", promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, cacheWriteTokens: null, reasoningTokens: 128 });
  });

  it("reads embeddings (prompt tokens only)", () => {
    const body = { object: "list", data: [{ object: "embedding", embedding: [0.1], index: 0 }], model: "text-embedding-3-small", usage: { prompt_tokens: 8, total_tokens: 8 } };
    expect(jsonUsage(m, body)).toMatchObject({ model: "text-embedding-3-small", promptTokens: 8, completionTokens: null });
  });

  it("ignores nonsense counts", () => {
    expect(jsonUsage(m, { model: "x", usage: { prompt_tokens: -1, completion_tokens: 1e308 } })).toMatchObject({ promptTokens: null, completionTokens: null });
    expect(jsonUsage(m, "not an object")).toMatchObject({ model: null });
  });

  const stream = sse([
    [null, { id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }],
    [null, { id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "Hé" }, finish_reason: null }] }],
    [null, { id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }],
    [null, { id: "c", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } } }],
    [null, "[DONE]"],
  ]);

  it.each([1, 7, 64, 100_000])("reads a stream's usage chunk, in reads of %i characters, and spots it as usage-only", (size) => {
    const { usage, usageOnly } = sseUsage(m, stream, size);
    expect(usage).toEqual({ model: "gpt-4o-mini", promptTokens: 9, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: null, reasoningTokens: null });
    expect(usageOnly).toHaveLength(1);
    expect(JSON.parse(usageOnly[0]!).usage.prompt_tokens).toBe(9);
  });

  it("does not take a content chunk that also carries usage (continuous usage stats) for usage-only", () => {
    const chunk = JSON.stringify({ choices: [{ index: 0, delta: { content: "x" } }], usage: { prompt_tokens: 1, completion_tokens: 1 } });
    expect(m.isUsageOnlyEvent(undefined, chunk)).toBe(false);
    expect(m.isUsageOnlyEvent(undefined, "[DONE]")).toBe(false);
  });
});

describe("openai-completions: errors and probe", () => {
  it.each([
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [429, "rate_limit_error"],
    [400, "invalid_request_error"],
    [502, "api_error"],
  ])("answers %i in OpenAI's error shape", (status, type) => {
    expect(m.errorBody(status, "nope", "some_code")).toEqual({ error: { message: "nope", type, param: null, code: "some_code" } });
  });

  it("probes with the model listing and reads its ids", () => {
    const probe = m.probe();
    expect(probe).toMatchObject({ method: "GET", clientPath: "/v1/models" });
    expect(m.upstreamUrl(testProvider(m.id), probe.clientPath, "")).toBe("https://upstream.example/v1/models");
    expect(probe.readModels!({ object: "list", data: [{ id: "gpt-4o", object: "model" }, { id: "" }, { nope: 1 }] })).toEqual([{ id: "gpt-4o" }]);
  });
});
