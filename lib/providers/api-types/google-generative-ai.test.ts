import { describe, expect, it } from "vitest";
import { googleGenerativeAi as m } from "./google-generative-ai";
import { CREDENTIAL_HEADERS } from "./shared";
import { jsonUsage, sse, sseUsage, testProvider } from "./testing";

// Shapes from https://ai.google.dev/api/generate-content (GenerateContentResponse,
// UsageMetadata, streamGenerateContent with alt=sse) and https://ai.google.dev/api/models.

const BASE = "https://generativelanguage.googleapis.com";
const provider = (overrides: Parameters<typeof testProvider>[1] = {}) => testProvider(m.id, { baseUrl: BASE, ...overrides });

describe("google-generative-ai: upstream URL and headers", () => {
  it.each([
    [BASE, "/v1beta/models/gemini-2.5-flash:generateContent", "", `${BASE}/v1beta/models/gemini-2.5-flash:generateContent`],
    [BASE, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "?alt=sse", `${BASE}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`],
    [`${BASE}/v1beta`, "/v1beta/models/gemini-2.5-flash:generateContent", "", `${BASE}/v1beta/models/gemini-2.5-flash:generateContent`],
    [`${BASE}/v1beta`, "/v1/models", "", `${BASE}/v1beta/models`],
    ["http://127.0.0.1:9000/google", "/v1beta/models", "", "http://127.0.0.1:9000/google/v1beta/models"],
  ])("%s + %s%s", (baseUrl, path, search, expected) => {
    expect(m.upstreamUrl(provider({ baseUrl }), path, search)).toBe(expected);
  });

  it("sends the key as x-goog-api-key, never forwards a credential", () => {
    expect(m.authHeaders(provider({ secrets: { apiKey: "AIza-real" } }))).toEqual({ "x-goog-api-key": "AIza-real" });
    for (const h of ["x-goog-api-client", "content-type"]) expect(m.forwardsRequestHeader(h), h).toBe(true);
    for (const h of CREDENTIAL_HEADERS) expect(m.forwardsRequestHeader(h), h).toBe(false);
  });
});

const answer = {
  candidates: [{ content: { parts: [{ text: "Hi" }], role: "model" }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 1200, cachedContentTokenCount: 1024, candidatesTokenCount: 40, thoughtsTokenCount: 90, totalTokenCount: 1330, promptTokensDetails: [{ modality: "TEXT", tokenCount: 1200 }] },
  modelVersion: "gemini-2.5-flash",
  responseId: "abc",
};
const expected = { model: "gemini-2.5-flash", promptTokens: 1200, completionTokens: 130, cachedTokens: 1024, cacheWriteTokens: null, reasoningTokens: 90 };

describe("google-generative-ai: usage", () => {
  it("reads usageMetadata, thinking tokens added to the completion", () => {
    expect(jsonUsage(m, answer)).toEqual(expected);
  });

  it("reads a stream without alt=sse (one JSON array): the last chunk's counts", () => {
    const first = { ...answer, usageMetadata: { promptTokenCount: 1200, totalTokenCount: 1200 } };
    expect(jsonUsage(m, [first, answer])).toEqual(expected);
  });

  const stream = sse([
    [null, { candidates: [{ content: { parts: [{ text: "Hé" }], role: "model" }, index: 0 }], usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 2, totalTokenCount: 1202 }, modelVersion: "gemini-2.5-flash" }],
    [null, answer],
  ]);

  it.each([1, 8, 77, 100_000])("reads the running usageMetadata of an alt=sse stream in reads of %i characters", (size) => {
    const { usage, usageOnly } = sseUsage(m, stream, size);
    expect(usage).toEqual(expected);
    expect(usageOnly).toEqual([]);
  });
});

describe("google-generative-ai: errors and probe", () => {
  it.each([
    [400, "INVALID_ARGUMENT"],
    [401, "UNAUTHENTICATED"],
    [403, "PERMISSION_DENIED"],
    [404, "NOT_FOUND"],
    [429, "RESOURCE_EXHAUSTED"],
    [500, "INTERNAL"],
  ])("answers %i in Google's error shape", (status, name) => {
    expect(m.errorBody(status, "nope", "x")).toEqual({ error: { code: status, message: "nope", status: name } });
  });

  it("probes GET /v1beta/models and reads generateContent models with their limits", () => {
    const probe = m.probe();
    expect(m.upstreamUrl(provider(), probe.clientPath, probe.search ?? "")).toBe(`${BASE}/v1beta/models?pageSize=1000`);
    const listing = {
      models: [
        { name: "models/gemini-2.5-flash", displayName: "Gemini 2.5 Flash", inputTokenLimit: 1048576, outputTokenLimit: 65536, supportedGenerationMethods: ["generateContent", "countTokens"] },
        { name: "models/text-embedding-004", displayName: "Text Embedding 004", supportedGenerationMethods: ["embedContent"] },
      ],
    };
    expect(m.listModels().readModels(listing)).toEqual([{ id: "gemini-2.5-flash", displayName: "Gemini 2.5 Flash", contextWindow: 1048576, maxTokens: 65536 }]);
  });
});
