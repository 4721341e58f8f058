import { describe, expect, it } from "vitest";
import { ollama as m } from "./ollama";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, ndjsonUsage, sse, sseUsage, testProvider } from "./testing";

// Shapes from https://github.com/ollama/ollama/blob/main/docs/api.md (/api/chat,
// /api/generate, /api/tags) and https://github.com/ollama/ollama/blob/main/docs/openai.md.

const provider = (baseUrl = "http://host:11434") => testProvider(m.id, { baseUrl });

describe("ollama: upstream URL", () => {
  const paths = [
    ["/api/chat", "http://host:11434/api/chat"],
    ["/api/generate", "http://host:11434/api/generate"],
    ["/v1/chat/completions", "http://host:11434/v1/chat/completions"],
    ["/v1/models", "http://host:11434/v1/models"],
    ["/chat/completions", "http://host:11434/v1/chat/completions"],
  ] as const;
  for (const base of ["http://host:11434", "http://host:11434/", "http://host:11434/v1", "http://host:11434/v1/"]) {
    it.each(paths)(`${base} + %s`, (path, expected) => {
      expect(m.upstreamUrl(provider(base), path, "")).toBe(expected);
      expect(expected).not.toMatch(/\/v1\/v1|\/v1\/api/);
    });
  }
});

describe("ollama: headers", () => {
  it("sends a key only when one is stored, as Bearer", () => {
    expect(m.authHeaders(provider())).toEqual({});
    expect(m.authHeaders(testProvider(m.id, { secrets: { apiKey: "ollama-key" } }))).toEqual({ authorization: "Bearer ollama-key" });
    for (const h of CREDENTIAL_HEADERS) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

describe("ollama: usage", () => {
  it("reads a native /api/chat answer", () => {
    const body = {
      model: "llama3.2",
      created_at: "2023-12-12T14:13:43.416799Z",
      message: { role: "assistant", content: "Hello!" },
      done: true,
      total_duration: 5191566416,
      load_duration: 2154458,
      prompt_eval_count: 26,
      prompt_eval_duration: 383809000,
      eval_count: 298,
      eval_duration: 4799921000,
    };
    expect(jsonUsage(m, body)).toEqual({ model: "llama3.2", promptTokens: 26, completionTokens: 298, cachedTokens: null, cacheWriteTokens: null, reasoningTokens: null });
  });

  it("reads a /v1 (OpenAI-shaped) answer", () => {
    expect(jsonUsage(m, { object: "chat.completion", model: "llama3.2", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })).toMatchObject({ promptTokens: 3, completionTokens: 4 });
  });

  const native = [
    { model: "llama3.2", created_at: "t", message: { role: "assistant", content: "Hé" }, done: false },
    { model: "llama3.2", created_at: "t", message: { role: "assistant", content: " \"done\":true" }, done: false },
    { model: "llama3.2", created_at: "t", message: { role: "assistant", content: "" }, done: true, done_reason: "stop", prompt_eval_count: 26, eval_count: 2 },
  ]
    .map((l) => JSON.stringify(l))
    .join("\n");

  it.each([1, 7, 100_000])("reads the final line of a native NDJSON stream in reads of %i characters", (size) => {
    expect(ndjsonUsage(m, native, size)).toEqual({ model: "llama3.2", promptTokens: 26, completionTokens: 2, cachedTokens: null, cacheWriteTokens: null, reasoningTokens: null });
  });

  it("reads /api/generate's final line", () => {
    const generate = [JSON.stringify({ model: "m", response: "x", done: false }), JSON.stringify({ model: "m", response: "", done: true, context: [1, 2], prompt_eval_count: 5, eval_count: 6 })].join("\n");
    expect(ndjsonUsage(m, generate, 4)).toMatchObject({ promptTokens: 5, completionTokens: 6 });
  });

  it("reads a /v1 stream's usage chunk", () => {
    const body = sse([
      [null, { object: "chat.completion.chunk", model: "llama3.2", choices: [{ index: 0, delta: { content: "x" } }] }],
      [null, { object: "chat.completion.chunk", model: "llama3.2", choices: [], usage: { prompt_tokens: 8, completion_tokens: 1 } }],
      [null, "[DONE]"],
    ]);
    const { usage, usageOnly } = sseUsage(m, body, 5);
    expect(usage).toMatchObject({ promptTokens: 8, completionTokens: 1 });
    expect(usageOnly).toHaveLength(1);
  });
});

describe("ollama: errors and probe", () => {
  it("answers native paths in Ollama's shape and /v1 in OpenAI's", () => {
    expect(m.errorBody(404, "model not found", "x", "/api/chat")).toEqual({ error: "model not found" });
    expect(m.errorBody(404, "model not found", "x", "/v1/chat/completions")).toEqual({ error: { message: "model not found", type: "not_found_error", param: null, code: "x" } });
  });

  it("probes and fetches models with GET /api/tags", () => {
    const probe = m.probe();
    expect(m.upstreamUrl(provider("http://host:11434/v1"), probe.clientPath, "")).toBe("http://host:11434/api/tags");
    const tags = { models: [{ name: "llama3.2:latest", model: "llama3.2:latest", size: 2019393189, details: { format: "gguf", family: "llama", parameter_size: "3.2B" } }] };
    expect(m.listModels().readModels(tags)).toEqual([{ id: "llama3.2:latest" }]);
  });

  it("accepts http for loopback and private hosts, not public ones", () => {
    expect(m.fields.safeParse({ baseUrl: "http://127.0.0.1:11434" }).success).toBe(true);
    expect(m.fields.safeParse({ baseUrl: "http://192.168.1.20:11434/v1" }).success).toBe(true);
    expect(m.fields.safeParse({ baseUrl: "http://ollama.example.com:11434" }).error?.issues[0]?.message).toMatch(/Plain http is allowed only for loopback and private/);
  });
});
