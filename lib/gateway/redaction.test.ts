import { describe, expect, it } from "vitest";

describe("redaction of real credentials", () => {
  const secret = "sk-real-0123456789abcdef";
  const enc = new TextEncoder();
  const dec = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("utf8");

  it("catches a key split across chunks when holding back (error answers)", async () => {
    const { StreamRedactor } = await import("./redaction");
    const r = new StreamRedactor([secret], "always");
    const body = `{"error":"bad key ${secret} given"}`;
    const out: Uint8Array[] = [];
    for (let i = 0; i < body.length; i += 5) out.push(r.push(enc.encode(body.slice(i, i + 5))));
    out.push(r.end());
    expect(dec(out)).toBe(`{"error":"bad key [redacted] given"}`);
  });

  it("never delays a stream's complete events, yet catches a key split across reads", async () => {
    const { StreamRedactor } = await import("./redaction");
    const r = new StreamRedactor([secret], "partial-line");
    expect(dec([r.push(enc.encode("data: hello\n\n"))])).toBe("data: hello\n\n");
    expect(dec([r.push(enc.encode(`data: ${secret}\n\n`))])).toBe("data: [redacted]\n\n");
    // A comment line cut inside the key: only the unfinished line's end waits.
    const first = dec([r.push(enc.encode(`data: x\n\n: debug ${secret.slice(0, 10)}`))]);
    expect(first.startsWith("data: x\n\n")).toBe(true);
    const rest = dec([r.push(enc.encode(`${secret.slice(10)}\n\n`)), r.end()]);
    expect(first + rest).toBe("data: x\n\n: debug [redacted]\n\n");
  });

  it("holds nothing back once a body of known length has all arrived", async () => {
    const { StreamRedactor } = await import("./redaction");
    const body = enc.encode(`{"note":"${secret}"}`);
    const r = new StreamRedactor([secret], "always", body.length);
    expect(dec([r.push(body)])).toBe('{"note":"[redacted]"}');
    expect(r.end().byteLength).toBe(0);
  });

  it("ignores secrets too short to redact safely", async () => {
    const { StreamRedactor, redactText } = await import("./redaction");
    expect(new StreamRedactor(["abc"], "always").active).toBe(false);
    expect(redactText("abc abc", ["abc"])).toBe("abc abc");
  });
});
