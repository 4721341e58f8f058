import { describe, expect, it } from "vitest";
import { anthropicMessages as m } from "./anthropic-messages";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";

// Shapes from https://docs.anthropic.com/en/api/messages (response and usage),
// https://docs.anthropic.com/en/docs/build-with-claude/streaming and
// https://docs.anthropic.com/en/api/errors.

const provider = (overrides: Parameters<typeof testProvider>[1] = {}) => testProvider(m.id, { baseUrl: "https://api.anthropic.com", ...overrides });

describe("anthropic-messages: upstream URL and headers", () => {
  it.each([
    ["https://api.anthropic.com", "/v1/messages", "https://api.anthropic.com/v1/messages"],
    ["https://api.anthropic.com/v1", "/v1/messages", "https://api.anthropic.com/v1/messages"],
    ["https://api.anthropic.com", "/v1/messages/count_tokens", "https://api.anthropic.com/v1/messages/count_tokens"],
    // Anthropic-compatible APIs document bases without a version: the client's /v1 stays.
    ["https://openrouter.ai/api", "/v1/messages", "https://openrouter.ai/api/v1/messages"],
    ["https://api.deepseek.com/anthropic", "/v1/messages", "https://api.deepseek.com/anthropic/v1/messages"],
  ])("%s + %s", (baseUrl, path, expected) => {
    expect(m.upstreamUrl(provider({ baseUrl }), path, "")).toBe(expected);
  });

  it("sends the key as x-api-key only", () => {
    expect(m.authHeaders(provider({ secrets: { apiKey: "sk-ant-real" } }))).toEqual({ "x-api-key": "sk-ant-real" });
    expect(m.authHeaders(provider())).toEqual({});
  });

  it("passes anthropic-version and anthropic-beta, never a credential (a client's x-api-key or Bearer)", () => {
    for (const h of ["anthropic-version", "anthropic-beta", "content-type", "accept"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of [...CREDENTIAL_HEADERS, "openai-organization", "x-forwarded-for"]) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

describe("anthropic-messages: usage", () => {
  it("reads a message with cache reads and writes, adding them to the prompt", () => {
    const body = {
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Hi" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 21, cache_creation_input_tokens: 188086, cache_read_input_tokens: 1000, output_tokens: 393, service_tier: "standard" },
    };
    expect(jsonUsage(m, body)).toEqual({ model: "claude-sonnet-4-5-20250929", promptTokens: 21 + 188086 + 1000, completionTokens: 393, cachedTokens: 1000, cacheWriteTokens: 188086, reasoningTokens: null });
  });

  const stream = sse([
    ["message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], model: "claude-3-5-haiku-20241022", stop_reason: null, usage: { input_tokens: 25, cache_creation_input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 1 } } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["ping", { type: "ping" }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hé \"usage\"" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 15 } }],
    ["message_stop", { type: "message_stop" }],
  ]);

  it.each([1, 6, 50, 100_000])("reads message_start + message_delta in reads of %i characters", (size) => {
    const { usage, usageOnly } = sseUsage(m, stream, size);
    expect(usage).toEqual({ model: "claude-3-5-haiku-20241022", promptTokens: 135, completionTokens: 15, cachedTokens: 100, cacheWriteTokens: 10, reasoningTokens: null });
    expect(usageOnly).toEqual([]);
  });

  it("takes cumulative input counts from message_delta when it has them (newer API versions)", () => {
    const body = sse([
      ["message_start", { type: "message_start", message: { model: "claude-x", usage: { input_tokens: 5, output_tokens: 1 } } }],
      ["message_delta", { type: "message_delta", delta: {}, usage: { input_tokens: 5, cache_read_input_tokens: 7, output_tokens: 9 } }],
    ]);
    expect(sseUsage(m, body, 13).usage).toMatchObject({ promptTokens: 12, cachedTokens: 7, completionTokens: 9 });
  });
});

describe("anthropic-messages: errors and probe", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [529, "overloaded_error"],
  ])("answers %i in Anthropic's error shape", (status, type) => {
    expect(m.errorBody(status, "nope", "x")).toEqual({ type: "error", error: { type, message: "nope" } });
  });

  it("probes GET /v1/models with anthropic-version, and reads ids and display names", () => {
    const probe = m.probe();
    expect(probe).toMatchObject({ method: "GET", clientPath: "/v1/models", headers: { "anthropic-version": "2023-06-01" } });
    expect(m.upstreamUrl(provider(), probe.clientPath, probe.search ?? "")).toBe("https://api.anthropic.com/v1/models?limit=1000");
    const listing = { data: [{ type: "model", id: "claude-sonnet-4-5-20250929", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" }], has_more: false, first_id: "x", last_id: "x" };
    expect(m.listModels().readModels(listing)).toEqual([{ id: "claude-sonnet-4-5-20250929", displayName: "Claude Sonnet 4.5" }]);
  });
});
