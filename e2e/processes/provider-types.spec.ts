import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import LegacyAnthropic from "anthropic-sdk-legacy";
import OpenAI, { AzureOpenAI } from "openai";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { startAppProcess, type AppProcess } from "../fixtures/app-process";
import { startFakeUpstreams, UPSTREAM_USAGE as U, type FakeUpstreams } from "../fixtures/fake-upstreams";
import { adminClient } from "../fixtures/gateway-setup";

// Every API type end to end: the official SDKs (openai; @anthropic-ai/sdk current, which
// sends the key as Authorization: Bearer, and a 0.x release, which sends x-api-key) and
// plain HTTP (Google, Azure, Ollama) through the gateway to one loopback fake that speaks
// each provider's documented shapes. Each upstream request must carry only the real
// credential on the right path; each log row the right tokens and cost.

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const REAL = {
  openai: "sk-real-openai-0123456789",
  anthropic: "sk-ant-real-0123456789",
  google: "AIza-real-google-0123456789",
  azure: "azure-real-key-0123456789",
  cf: "cf-real-token-0123456789",
};
// USD per million tokens: input, output, cached input; Anthropic also cache writes.
const PRICES = { input: 2, output: 8, cached: 0.5, write: 2.5 };
const MODELS = `m-price ${PRICES.input} ${PRICES.output} ${PRICES.cached} write=${PRICES.write}`;

/** The documented cost: uncached input, cached input, cache writes and output, each at its price. */
function cost({ prompt, completion, cached = 0, write = 0 }: { prompt: number; completion: number; cached?: number; write?: number }): number {
  return ((prompt - cached - write) * PRICES.input + cached * PRICES.cached + write * PRICES.write + completion * PRICES.output) / 1_000_000;
}

let app: AppProcess;
let up: FakeUpstreams;
let api: APIRequestContext;
let secret: string;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  up = await startFakeUpstreams();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-types-"));
  app = await startAppProcess({ env: { GATEHOUSE_DATA_DIR: dataDir, CF_AI_GATEWAY_ORIGIN: up.url } });
  api = await adminClient(app.url);
  const providers = [
    { apiType: "openai-responses", key: "oai", baseUrl: `${up.url}/v1`, apiKey: REAL.openai, models: MODELS },
    { apiType: "anthropic-messages", key: "ant", baseUrl: up.url, apiKey: REAL.anthropic, models: MODELS },
    { apiType: "google-generative-ai", key: "gem", baseUrl: up.url, apiKey: REAL.google, models: MODELS },
    { apiType: "azure-openai", key: "az", baseUrl: `${up.url}/openai`, apiVersion: "2025-04-01-preview", apiKey: REAL.azure, models: MODELS },
    { apiType: "ollama", key: "oll", baseUrl: `${up.url}/v1`, models: MODELS },
    { apiType: "cloudflare-ai-gateway", key: "cf", authMode: "unified-billing", accountId: ACCOUNT, gatewayId: "gw", gatewayToken: REAL.cf, models: "workers-ai/@cf/meta/m-price 2 8 0.5" },
  ];
  for (const p of providers) {
    const res = await api.post("/api/v1/providers", { data: { name: p.key, ...p } });
    expect(res.status(), await res.text()).toBe(201);
  }
  secret = (await (await api.post("/api/v1/keys", { data: { name: "types" } })).json()).secret;
});

test.afterAll(async () => {
  await api?.dispose();
  await app?.stop();
  await up?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

type Row = { path: string; stream: boolean; status: number; model: string | null; promptTokens: number | null; completionTokens: number | null; cachedTokens: number | null; costUsd: number | null };

/** The newest log row for `path`, once written (rows are written after the answer ends). */
async function logRow(clientPath: string, stream: boolean): Promise<Row> {
  for (let i = 0; i < 50; i++) {
    const { requests } = (await (await api.get("/api/v1/usage?limit=200")).json()) as { requests: Row[] };
    const row = requests.find((r) => r.path === clientPath && r.stream === stream);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no log row for ${clientPath}`);
}

/** The last upstream request, checked to carry only `credential` (and never the virtual key). */
function lastUpstream(credential: Record<string, string>) {
  const req = up.recorded.at(-1)!;
  const all = JSON.stringify(req);
  expect(all).not.toContain(secret);
  for (const h of ["authorization", "x-api-key", "x-goog-api-key", "api-key", "cf-aig-authorization"]) expect(req.headers[h], h).toBe(credential[h]);
  return req;
}

const clearUsage = async () => {
  up.recorded.length = 0;
};

test("openai SDK: chat, streamed chat, responses, streamed responses and embeddings", async () => {
  await clearUsage();
  const client = new OpenAI({ apiKey: secret, baseURL: `${app.url}/gateway/oai/v1`, maxRetries: 0 });
  const bearer = { authorization: `Bearer ${REAL.openai}` };

  const chat = await client.chat.completions.create({ model: "m-price", messages: [{ role: "user", content: "hi" }] });
  expect(chat.choices[0]!.message.content).toBe("Hello");
  expect(lastUpstream(bearer).path).toBe("/v1/chat/completions");
  expect(await logRow("/v1/chat/completions", false)).toMatchObject({ promptTokens: U.chat.prompt, completionTokens: U.chat.completion, cachedTokens: U.chat.cached });

  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const c of await client.chat.completions.create({ model: "m-price", stream: true, messages: [{ role: "user", content: "hi" }] })) chunks.push(c);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
  // The client did not ask for usage: it must not get the usage chunk the gateway asked for.
  expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
  expect(JSON.parse(lastUpstream(bearer).body).stream_options).toEqual({ include_usage: true });
  const streamed = await logRow("/v1/chat/completions", true);
  expect(streamed).toMatchObject({ model: "m-price", promptTokens: U.chat.prompt, completionTokens: U.chat.completion, cachedTokens: U.chat.cached });
  expect(streamed.costUsd).toBeCloseTo(cost({ prompt: U.chat.prompt, completion: U.chat.completion, cached: U.chat.cached }), 10);

  const response = await client.responses.create({ model: "m-price", input: "hi" });
  expect(response.output_text).toBe("Hello");
  expect(lastUpstream(bearer).path).toBe("/v1/responses");
  const r = U.responses;
  const responseRow = await logRow("/v1/responses", false);
  expect(responseRow).toMatchObject({ model: "m-price", promptTokens: r.input, completionTokens: r.output, cachedTokens: r.cached });
  expect(responseRow.costUsd).toBeCloseTo(cost({ prompt: r.input, completion: r.output, cached: r.cached }), 10);

  // A streamed Responses call by plain HTTP: the events pass as sent, usage from response.completed.
  const streamedResponses = await fetch(`${app.url}/gateway/oai/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m-price", input: "hi", stream: true }),
  });
  const events = [...(await streamedResponses.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
  expect(events).toEqual(["response.created", "response.output_text.delta", "response.completed"]);
  expect(await logRow("/v1/responses", true)).toMatchObject({ promptTokens: r.input, completionTokens: r.output, cachedTokens: r.cached });

  const embedding = await client.embeddings.create({ model: "m-price", input: "hi", encoding_format: "float" });
  expect(embedding.data[0]!.embedding).toHaveLength(3);
  expect(lastUpstream(bearer).path).toBe("/v1/embeddings");
  const embeddingRow = await logRow("/v1/embeddings", false);
  expect(embeddingRow).toMatchObject({ promptTokens: U.embeddings.prompt });
  expect(embeddingRow.costUsd).toBeCloseTo(cost({ prompt: U.embeddings.prompt, completion: 0 }), 10);
});

test("@anthropic-ai/sdk, current (Bearer) and a 0.x release (x-api-key), plain and streamed", async () => {
  const a = U.anthropic;
  const expected = { promptTokens: a.input + a.cacheRead + a.cacheWrite, completionTokens: a.output, cachedTokens: a.cacheRead };
  const expectedCost = cost({ prompt: a.input + a.cacheRead + a.cacheWrite, completion: a.output, cached: a.cacheRead, write: a.cacheWrite });
  // What each SDK sends the gateway, seen through its own fetch.
  const sent: Headers[] = [];
  const recording = ((url: string, init?: RequestInit) => {
    sent.push(new Headers(init?.headers));
    return fetch(url, init);
  }) as typeof fetch;
  // The two releases' types differ; the calls made here are the same in both.
  type Messages = {
    create(p: { model: string; max_tokens: number; messages: { role: "user"; content: string }[] }): Promise<{ content: unknown[] }>;
    stream(p: { model: string; max_tokens: number; messages: { role: "user"; content: string }[] }): { finalMessage(): Promise<{ usage: { output_tokens: number } }> };
  };
  const clients: [string, { messages: Messages }, string, string][] = [
    ["current", new Anthropic({ apiKey: secret, baseURL: `${app.url}/gateway/ant`, maxRetries: 0, fetch: recording }) as unknown as { messages: Messages }, "authorization", `Bearer ${secret}`],
    ["0.x", new LegacyAnthropic({ apiKey: secret, baseURL: `${app.url}/gateway/ant`, maxRetries: 0, fetch: recording }) as unknown as { messages: Messages }, "x-api-key", secret],
  ];
  for (const [name, client, header, value] of clients) {
    await clearUsage();
    const message = await client.messages.create({ model: "m-price", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0], name).toMatchObject({ type: "text", text: "Hello" });
    const req = lastUpstream({ "x-api-key": REAL.anthropic });
    expect(req.path).toBe("/v1/messages");
    // The SDK's own anthropic-version passes through unchanged.
    expect(req.headers["anthropic-version"], name).toBe(sent.at(-1)!.get("anthropic-version"));
    // The SDK sent the virtual key its own way: current as Bearer, 0.x as x-api-key.
    expect(sent.at(-1)!.get(header), name).toBe(value);
    expect(sent.at(-1)!.get(header === "authorization" ? "x-api-key" : "authorization"), name).toBeNull();
    const plain = await logRow("/v1/messages", false);
    expect(plain, name).toMatchObject(expected);
    expect(plain.costUsd).toBeCloseTo(expectedCost, 10);

    const stream = client.messages.stream({ model: "m-price", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens, name).toBe(a.output);
    lastUpstream({ "x-api-key": REAL.anthropic });
    const streamed = await logRow("/v1/messages", true);
    expect(streamed, name).toMatchObject(expected);
    expect(streamed.costUsd).toBeCloseTo(expectedCost, 10);
  }
});

test("Google generateContent and streamGenerateContent?alt=sse by plain HTTP", async () => {
  await clearUsage();
  const g = U.google;
  const expected = { model: "m-price", promptTokens: g.prompt, completionTokens: g.candidates + g.thoughts, cachedTokens: g.cached };
  let res = await fetch(`${app.url}/gateway/gem/v1beta/models/m-price:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": secret, "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
  });
  expect(res.status).toBe(200);
  expect((await res.json()).candidates[0].content.parts[0].text).toBe("Hello");
  expect(lastUpstream({ "x-goog-api-key": REAL.google })).toMatchObject({ path: "/v1beta/models/m-price:generateContent", query: "" });
  const plain = await logRow("/v1beta/models/m-price:generateContent", false);
  expect(plain).toMatchObject(expected);
  expect(plain.costUsd).toBeCloseTo(cost({ prompt: g.prompt, completion: g.candidates + g.thoughts, cached: g.cached }), 10);

  // The virtual key in ?key= (as Google's SDKs may send it) is taken out of the query.
  res = await fetch(`${app.url}/gateway/gem/v1beta/models/m-price:streamGenerateContent?alt=sse&key=${secret}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
  });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  expect(await res.text()).toContain('"text":"lo"');
  expect(lastUpstream({ "x-goog-api-key": REAL.google })).toMatchObject({ path: "/v1beta/models/m-price:streamGenerateContent", query: "?alt=sse" });
  expect(await logRow("/v1beta/models/m-price:streamGenerateContent", true)).toMatchObject(expected);
});

test("Azure OpenAI deployment path with api-version, and the v1 path, by plain HTTP", async () => {
  await clearUsage();
  // The virtual key as Azure's own header, as the AzureOpenAI SDK sends it.
  let res = await fetch(`${app.url}/gateway/az/openai/deployments/m-price/chat/completions`, {
    method: "POST",
    headers: { "api-key": secret, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  expect(lastUpstream({ "api-key": REAL.azure })).toMatchObject({ path: "/openai/deployments/m-price/chat/completions", query: "?api-version=2025-04-01-preview" });
  const row = await logRow("/openai/deployments/m-price/chat/completions", false);
  expect(row).toMatchObject({ promptTokens: U.chat.prompt, completionTokens: U.chat.completion, cachedTokens: U.chat.cached });
  expect(row.costUsd).toBeCloseTo(cost({ prompt: U.chat.prompt, completion: U.chat.completion, cached: U.chat.cached }), 10);

  res = await fetch(`${app.url}/gateway/az/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m-price", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  expect(lastUpstream({ "api-key": REAL.azure })).toMatchObject({ path: "/openai/v1/chat/completions", query: "" });
});

test("the AzureOpenAI SDK (virtual key as api-key) through an azure-openai provider", async () => {
  await clearUsage();
  const client = new AzureOpenAI({ apiKey: secret, baseURL: `${app.url}/gateway/az/openai`, apiVersion: "2024-10-21", maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: "m-price", messages: [{ role: "user", content: "hi" }] });
  expect(completion.usage?.prompt_tokens).toBe(U.chat.prompt);
  expect(lastUpstream({ "api-key": REAL.azure })).toMatchObject({ path: "/openai/deployments/m-price/chat/completions", query: "?api-version=2024-10-21" });
  expect(await logRow("/openai/deployments/m-price/chat/completions", false)).toMatchObject({ promptTokens: U.chat.prompt, completionTokens: U.chat.completion });
});

test("Ollama native /api/chat (plain and NDJSON) and /v1 with a /v1 base, by plain HTTP", async () => {
  await clearUsage();
  const o = U.ollama;
  let res = await fetch(`${app.url}/gateway/oll/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m-price", stream: false, messages: [{ role: "user", content: "hi" }] }),
  });
  expect((await res.json()).message.content).toBe("Hello");
  expect(lastUpstream({}).path).toBe("/api/chat");
  const plain = await logRow("/api/chat", false);
  expect(plain).toMatchObject({ model: "m-price", promptTokens: o.prompt, completionTokens: o.completion });
  expect(plain.costUsd).toBeCloseTo(cost({ prompt: o.prompt, completion: o.completion }), 10);

  res = await fetch(`${app.url}/gateway/oll/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m-price", messages: [{ role: "user", content: "hi" }] }),
  });
  expect((await res.text()).trim().split("\n")).toHaveLength(3);
  expect(await logRow("/api/chat", true)).toMatchObject({ promptTokens: o.prompt, completionTokens: o.completion });

  const client = new OpenAI({ apiKey: secret, baseURL: `${app.url}/gateway/oll/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: "m-price", messages: [{ role: "user", content: "hi" }] });
  expect(lastUpstream({}).path).toBe("/v1/chat/completions");
});

test("Cloudflare AI Gateway: @cf ids become workers-ai/@cf, a bare id is a 400 naming provider/model", async () => {
  await clearUsage();
  const client = new OpenAI({ apiKey: secret, baseURL: `${app.url}/gateway/cf/v1`, maxRetries: 0 });
  await client.chat.completions.create({ model: "@cf/meta/m-price", messages: [{ role: "user", content: "hi" }] });
  const req = lastUpstream({ "cf-aig-authorization": `Bearer ${REAL.cf}` });
  expect(req.path).toBe(`/v1/${ACCOUNT}/gw/compat/chat/completions`);
  expect(JSON.parse(req.body).model).toBe("workers-ai/@cf/meta/m-price");
  const row = await logRow("/v1/chat/completions", false);
  expect(row.costUsd).toBeCloseTo(cost({ prompt: U.chat.prompt, completion: U.chat.completion, cached: U.chat.cached }), 10);

  const before = up.recorded.length;
  const err = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/provider\/model/);
  expect(up.recorded.length).toBe(before);
});
