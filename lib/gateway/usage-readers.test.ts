import { describe, expect, it } from "vitest";
import { emptyUsage } from "@/lib/providers/api-types";
import { openaiCompletions } from "@/lib/providers/api-types/openai-completions";
import { pieces } from "@/lib/providers/api-types/testing";
import { JsonUsageReader, WHOLE_BODY_LIMIT } from "./json-usage";
import { HOLD_LIMIT, NdjsonUsageReader, SseUsageReader, streamErrorOf } from "./stream-usage";

const chunkOf = (event: object) => `data: ${JSON.stringify(event)}\n\n`;
const USAGE = { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10, prompt_tokens_details: { cached_tokens: 4 } };
const delta = (content: string) => chunkOf({ id: "c", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const usageOnly = chunkOf({ id: "c", object: "chat.completion.chunk", model: "gpt-4o", choices: [], usage: USAGE });

function readJson(text: string, size: number) {
  const reader = new JsonUsageReader(["model", "usage"]);
  for (const piece of pieces(text, size)) reader.push(Buffer.from(piece));
  return reader.result();
}

describe("usage from JSON answers of any size", () => {
  it("reads model and usage from a small answer", () => {
    expect(readJson(JSON.stringify({ model: "m", usage: USAGE, choices: [] }), 7)).toEqual({ model: "m", usage: USAGE });
  });

  it("reads usage at the end of a 5 MB embeddings answer, in any chunking", () => {
    const vector = Array.from({ length: 1000 }, (_, i) => Math.sin(i) / 3);
    const data = Array.from({ length: 260 }, (_, i) => ({ object: "embedding", index: i, embedding: vector, note: 'quotes " and \\ and {braces} [brackets], "usage":' }));
    const text = JSON.stringify({ object: "list", data, model: "text-embedding-3-small", usage: { prompt_tokens: 2420, total_tokens: 2420 } });
    expect(text.length).toBeGreaterThan(5_000_000);
    for (const size of [65_536, 1_000_003, 4_096]) {
      expect(readJson(text, size)).toEqual({ model: "text-embedding-3-small", usage: { prompt_tokens: 2420, total_tokens: 2420 } });
    }
  });

  it("ignores nested keys of the same name and keeps only top-level ones", () => {
    const filler = "x".repeat(WHOLE_BODY_LIMIT);
    const text = JSON.stringify({ data: [{ usage: { prompt_tokens: 1 }, model: "inner" }], filler, usage: { prompt_tokens: 7 } });
    expect(readJson(text, 1000)).toEqual({ usage: { prompt_tokens: 7 } });
  });

  it("gives nothing for a truncated or non-object body", () => {
    expect(readJson('{"model":"m","usage":{"prompt_tokens":', 3)).toEqual({});
    expect(readJson("[1,2,3]", 3)).toEqual({});
    expect(readJson(`[${"1,".repeat(WHOLE_BODY_LIMIT)}1]`, 10_000)).toEqual({});
  });

  it("reads the last values from an array of objects (Gemini's streamGenerateContent without alt=sse)", () => {
    const chunks = [
      { candidates: [{ content: { parts: [{ text: "Hel" }] } }], modelVersion: "gemini-2.5-flash" },
      { candidates: [{ content: { parts: [{ text: "lo" }] } }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 }, modelVersion: "gemini-2.5-flash" },
    ];
    const reader = new JsonUsageReader(["modelVersion", "usageMetadata"]);
    for (const piece of pieces(JSON.stringify(chunks), 7)) reader.push(Buffer.from(piece));
    expect(reader.result()).toEqual({ modelVersion: "gemini-2.5-flash", usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 } });
  });
});

function runSse(body: string, size: number, withhold: boolean) {
  const usage = emptyUsage();
  const reader = new SseUsageReader(openaiCompletions, usage, withhold);
  const out: Buffer[] = [];
  for (const piece of pieces(body, size)) {
    const got = reader.push(Buffer.from(piece));
    if (Array.isArray(got)) out.push(...got);
    else out.push(got);
  }
  out.push(...reader.end());
  return { usage, text: Buffer.concat(out).toString("utf8"), withheld: reader.withheld };
}

describe("usage from SSE streams", () => {
  const withoutUsage = delta("Hel") + delta("lo") + ": keep-alive comment\n\n" + "data: [DONE]\n\n";
  const upstream = delta("Hel") + delta("lo") + ": keep-alive comment\n\n" + usageOnly + "data: [DONE]\n\n";

  it.each([1, 3, 17, 64, 10_000])("withholds the injected usage-only chunk byte for byte (reads of %i characters)", (size) => {
    const { usage, text, withheld } = runSse(upstream, size, true);
    expect(text).toBe(withoutUsage);
    expect(withheld).toBe(1);
    expect(usage).toMatchObject({ model: "gpt-4o", promptTokens: 9, completionTokens: 1, cachedTokens: 4 });
  });

  it("passes every byte when the client asked for usage itself", () => {
    const { usage, text } = runSse(upstream.replace(/\n\n/g, "\r\n\r\n"), 5, false);
    expect(text).toBe(upstream.replace(/\n\n/g, "\r\n\r\n"));
    expect(usage.promptTokens).toBe(9);
  });

  it("withholds a usage-only chunk that ends the stream without its blank line", () => {
    const { text, withheld, usage } = runSse(delta("a") + usageOnly.trimEnd(), 4, true);
    expect(text).toBe(delta("a"));
    expect(withheld).toBe(1);
    expect(usage.completionTokens).toBe(1);
  });

  it("lets an event longer than the hold limit through without holding it", () => {
    const big = delta("y".repeat(HOLD_LIMIT * 2));
    const { text } = runSse(big + usageOnly, 8192, true);
    expect(text).toBe(big);
  });

  it("reads past a 32 MB data line keeping none of it, and still finds the usage after it", () => {
    const huge = delta("z".repeat(32 * 1024 * 1024));
    const body = huge + usageOnly + "data: [DONE]\n\n";
    const usage = emptyUsage();
    const reader = new SseUsageReader(openaiCompletions, usage, false);
    const buf = Buffer.from(body);
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let i = 0; i < buf.length; i += 65_536) {
      reader.push(buf.subarray(i, i + 65_536));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    reader.end();
    expect(usage.promptTokens).toBe(9);
    // Nothing of the long line is kept (the 1 MiB line cap is the most any line costs).
    expect(peak).toBeLessThan(4 * 1024 * 1024);
  });
});

describe("usage from NDJSON streams", () => {
  it("hands each line to the reader, whatever the chunking", () => {
    const lines: string[] = [];
    const reader = new NdjsonUsageReader({ ...openaiCompletions, readNdjsonUsage: (line) => void lines.push(line) }, emptyUsage());
    for (const piece of pieces('{"a":1}\n{"b":2}\r\n\n{"done":true}', 3)) reader.push(Buffer.from(piece));
    reader.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"done":true}']);
  });
});

describe("errors inside a 2xx stream", () => {
  it.each([
    ["an OpenAI-style error chunk", undefined, '{"error":{"message":"The server had an error","type":"server_error"}}'],
    ["one with spaces", undefined, ' { "error" : "boom" }'],
    ["an Anthropic error event", "error", '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'],
    ["a failed Responses response", "response.failed", '{"type":"response.failed","response":{"status":"failed"}}'],
  ])("are recognised: %s", (_name, event, data) => {
    expect(streamErrorOf(event, data)).toBe(data);
  });

  it.each([
    [undefined, '{"id":"c","object":"chat.completion.chunk","choices":[{"delta":{"content":"{\\"error\\": no"}}]}'],
    ["message_delta", '{"type":"message_delta","usage":{"output_tokens":3}}'],
    [undefined, "[DONE]"],
  ])("and ordinary events are not (%s)", (event, data) => {
    expect(streamErrorOf(event, data)).toBeNull();
  });

  it("the SSE reader keeps the first one, whatever the chunking, and passes the stream on whole", () => {
    const error = '{"error":{"message":"The server had an error","type":"server_error"}}';
    const body = delta("Hel") + `data: ${error}\n\n` + "data: [DONE]\n\n";
    for (const size of [1, 7, 1000]) {
      const usage = emptyUsage();
      const reader = new SseUsageReader(openaiCompletions, usage, true);
      const out: Buffer[] = [];
      for (const piece of pieces(body, size)) {
        const got = reader.push(Buffer.from(piece));
        out.push(...(Array.isArray(got) ? got : [got]));
      }
      out.push(...reader.end());
      expect(reader.streamError).toBe(error);
      expect(Buffer.concat(out).toString("utf8")).toBe(body);
    }
  });

  it("the NDJSON reader too (Ollama's error line)", () => {
    const reader = new NdjsonUsageReader(openaiCompletions, emptyUsage());
    for (const piece of pieces('{"model":"llama3.2","done":false}\n{"error":"model runner crashed"}\n', 5)) reader.push(Buffer.from(piece));
    reader.end();
    expect(reader.streamError).toBe('{"error":"model runner crashed"}');
  });
});
