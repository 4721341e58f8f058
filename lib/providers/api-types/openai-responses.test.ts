import { describe, expect, it } from "vitest";
import { azureOpenai } from "./azure-openai";
import { cloudflareAiGateway } from "./cloudflare-ai-gateway";
import { ollama } from "./ollama";
import { openaiCompletions } from "./openai-completions";
import { openaiResponses as m } from "./openai-responses";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";

// Shapes from https://platform.openai.com/docs/api-reference/responses/object and
// https://platform.openai.com/docs/api-reference/responses-streaming.

describe("openai-responses: upstream URL and headers", () => {
  it.each([
    ["https://api.openai.com/v1", "/v1/responses", "https://api.openai.com/v1/responses"],
    ["https://api.openai.com/v1", "/v1/responses/resp_1/input_items", "https://api.openai.com/v1/responses/resp_1/input_items"],
    ["https://host.example/api/paas/v4", "/v1/responses", "https://host.example/api/paas/v4/responses"],
    ["http://127.0.0.1:8000", "/v1/responses", "http://127.0.0.1:8000/v1/responses"],
  ])("%s + %s", (baseUrl, path, expected) => {
    expect(m.upstreamUrl(testProvider(m.id, { baseUrl }), path, "")).toBe(expected);
  });

  it("sends the key as Authorization: Bearer and never forwards a credential", () => {
    expect(m.authHeaders(testProvider(m.id, { secrets: { apiKey: "sk-real" } }))).toEqual({ authorization: "Bearer sk-real" });
    for (const h of ["openai-beta", "openai-organization", "content-type"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of CREDENTIAL_HEADERS) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });

  it("injects nothing into /responses (its streams always carry usage), but does for chat", () => {
    const body = { model: "gpt-5", input: "hi", stream: true };
    expect(m.inspectsRequestBody("POST", "/v1/responses")).toBe(false);
    expect(m.prepareRequestBody(body, { provider: testProvider(m.id), method: "POST", clientPath: "/v1/responses" })).toEqual({ changed: false, usageInjected: false });
    expect(m.inspectsRequestBody("POST", "/v1/chat/completions")).toBe(true);
  });
});

const response = {
  id: "resp_67ccd2bed1ec8190b14f964abc054267",
  object: "response",
  created_at: 1741476542,
  status: "completed",
  model: "gpt-4.1-2025-04-14",
  output: [{ type: "message", id: "msg_1", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hi", annotations: [] }] }],
  usage: { input_tokens: 2048, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 300, output_tokens_details: { reasoning_tokens: 256 }, total_tokens: 2348 },
};
const expected = { model: "gpt-4.1-2025-04-14", promptTokens: 2048, completionTokens: 300, cachedTokens: 1024, cacheWriteTokens: null, reasoningTokens: 256 };

// Every OpenAI-style type serves /responses beside /chat/completions (OpenAI itself,
// OpenRouter, vLLM, Azure's v1 API, Ollama's /v1, Cloudflare's OpenAI provider route), so each
// counts a Responses call, streamed or not, whichever type the provider was saved as.
describe.each([m, openaiCompletions, azureOpenai, ollama, cloudflareAiGateway])("$id: Responses usage", (m) => {
  it("reads a response object, cached and reasoning tokens included", () => {
    expect(jsonUsage(m, response)).toEqual(expected);
  });

  const { usage: _u, ...inProgress } = response;
  const stream = sse([
    ["response.created", { type: "response.created", sequence_number: 0, response: { ...inProgress, status: "in_progress", output: [], usage: null } }],
    ["response.output_item.added", { type: "response.output_item.added", sequence_number: 1, output_index: 0, item: { type: "message", id: "msg_1", role: "assistant", content: [] } }],
    ["response.output_text.delta", { type: "response.output_text.delta", sequence_number: 2, item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hé, \"usage\"" }],
    ["response.completed", { type: "response.completed", sequence_number: 3, response }],
  ]);

  it.each([1, 5, 33, 100_000])("reads response.completed from a stream in reads of %i characters", (size) => {
    const { usage, usageOnly } = sseUsage(m, stream, size);
    expect(usage).toEqual(expected);
    expect(usageOnly).toEqual([]);
  });

  it("reads an incomplete response's usage too", () => {
    const body = sse([["response.incomplete", { type: "response.incomplete", response: { ...response, status: "incomplete" } }]]);
    expect(sseUsage(m, body, 10).usage).toEqual(expected);
  });

  it("reads events that name themselves only in type (no event: line)", () => {
    const body = sse([[null, { type: "response.completed", response }]]);
    expect(sseUsage(m, body, 7).usage).toEqual(expected);
  });

  it("still reads chat completion streams on the same base", () => {
    const body = sse([
      [null, { object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { content: "x" } }] }],
      [null, { object: "chat.completion.chunk", model: "gpt-4o", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } }],
      [null, "[DONE]"],
    ]);
    const { usage, usageOnly } = sseUsage(m, body, 9);
    expect(usage).toMatchObject({ model: "gpt-4o", promptTokens: 5, completionTokens: 2 });
    expect(usageOnly).toHaveLength(1);
  });
});

describe("openai-responses: errors and probe", () => {
  it("answers in OpenAI's error shape", () => {
    expect(m.errorBody(401, "bad key", "invalid_api_key")).toEqual({ error: { message: "bad key", type: "authentication_error", param: null, code: "invalid_api_key" } });
  });

  it("probes and fetches models with GET /v1/models", () => {
    const probe = m.probe();
    expect(m.upstreamUrl(testProvider(m.id), probe.clientPath, "")).toBe("https://upstream.example/v1/models");
    expect(m.listModels().readModels({ object: "list", data: [{ id: "gpt-4.1", object: "model" }] })).toEqual([{ id: "gpt-4.1" }]);
  });
});
