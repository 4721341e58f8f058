import { describe, expect, it } from "vitest";

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
