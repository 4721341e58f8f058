import { describe, expect, it } from "vitest";
import { openaiCompletions } from "@/lib/providers/api-types/openai-completions";
import { observeStream, UsageMeter } from "./usage-meter";

describe("usage metering", () => {
  const enc = new TextEncoder();

  it("reads usage from a JSON answer split across chunks", () => {
    const meter = new UsageMeter("application/json; charset=utf-8", 200, openaiCompletions);
    const body = JSON.stringify({ model: "gpt-4o-mini", usage: { prompt_tokens: 11, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } } });
    meter.push(enc.encode(body.slice(0, 20)));
    meter.push(enc.encode(body.slice(20)));
    expect(meter.finish()).toEqual({ usage: { model: "gpt-4o-mini", promptTokens: 11, completionTokens: 7, cachedTokens: 3, cacheWriteTokens: null, reasoningTokens: null }, excerpt: null });
  });

  it("reads usage from the last SSE chunk, with events split mid-line", () => {
    const meter = new UsageMeter("text/event-stream", 200, openaiCompletions);
    const stream =
      `data: {"model":"m-1","choices":[{"delta":{"content":"hi"}}]}\n\n` +
      `data: {"model":"m-1","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\r\n\r\n` +
      `data: [DONE]\n\n`;
    for (let i = 0; i < stream.length; i += 7) meter.push(enc.encode(stream.slice(i, i + 7)));
    expect(meter.finish().usage).toEqual({ model: "m-1", promptTokens: 5, completionTokens: 2, cachedTokens: null, cacheWriteTokens: null, reasoningTokens: null });
    expect(meter.isStream).toBe(true);
  });

  it("keeps an excerpt of error bodies only", () => {
    const meter = new UsageMeter("application/json", 429, openaiCompletions);
    meter.push(enc.encode('{"error":{"message":"rate limited"}}'));
    expect(meter.finish().excerpt).toContain("rate limited");
  });

  it("passes a stream through chunk by chunk and reports how it ended", async () => {
    const chunks = ["a", "b", "c"].map((c) => enc.encode(c));
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    const seen: string[] = [];
    let outcome = "";
    const out = observeStream(source, (c) => seen.push(new TextDecoder().decode(c)), (o) => (outcome = o));
    const text = await new Response(out).text();
    expect(text).toBe("abc");
    expect(seen).toEqual(["a", "b", "c"]);
    expect(outcome).toBe("complete");
  });

  it("cancels the upstream when the client goes away", async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(enc.encode("tick"));
      },
      cancel() {
        cancelled = true;
      },
    });
    let outcome = "";
    const out = observeStream(source, () => {}, (o) => (outcome = o));
    const reader = out.getReader();
    await reader.read();
    await reader.cancel("client gone");
    expect(cancelled).toBe(true);
    expect(outcome).toBe("cancelled");
  });
});

describe("redaction of real credentials", () => {
  const secret = "sk-real-0123456789abcdef";
  const enc = new TextEncoder();
  const dec = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("utf8");

  it("catches a key split across chunks when holding back (error answers)", async () => {
    const { StreamRedactor } = await import("./redaction");
    const r = new StreamRedactor([secret], true);
    const body = `{"error":"bad key ${secret} given"}`;
    const out: Uint8Array[] = [];
    for (let i = 0; i < body.length; i += 5) out.push(r.push(enc.encode(body.slice(i, i + 5))));
    out.push(r.end());
    expect(dec(out)).toBe(`{"error":"bad key [redacted] given"}`);
  });

  it("never delays a successful stream's chunks, and still redacts within one", async () => {
    const { StreamRedactor } = await import("./redaction");
    const r = new StreamRedactor([secret], false);
    expect(dec([r.push(enc.encode("data: hello\n\n"))])).toBe("data: hello\n\n");
    expect(dec([r.push(enc.encode(`data: ${secret}\n\n`))])).toBe("data: [redacted]\n\n");
    expect(r.end().byteLength).toBe(0);
  });

  it("ignores secrets too short to redact safely", async () => {
    const { StreamRedactor, redactText } = await import("./redaction");
    expect(new StreamRedactor(["abc"], true).active).toBe(false);
    expect(redactText("abc abc", ["abc"])).toBe("abc abc");
  });
});

describe("streaming with hold-back", () => {
  it("does not stall when a chunk is held back entirely", async () => {
    const { StreamRedactor } = await import("./redaction");
    const enc = new TextEncoder();
    const source = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(enc.encode("tiny"));
        await new Promise((r) => setTimeout(r, 20));
        controller.enqueue(enc.encode(" and the rest"));
        controller.close();
      },
    });
    const out = observeStream(source, () => {}, () => {}, new StreamRedactor(["a-secret-of-some-length"], true));
    expect(await new Response(out).text()).toBe("tiny and the rest");
  });
});
