import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { addMembers, decodeRequestBody } from "./request-body";

const usage = { stream_options: { include_usage: true } };

describe("addMembers", () => {
  it("puts the members first and keeps the client's bytes after them", () => {
    const body = Buffer.from('{"model":"gpt-4o",  "stream":true, "messages":[{"role":"user","content":"é {\\"x\\"}"}]}');
    const out = addMembers(body, usage)!;
    expect(out.toString()).toBe('{"stream_options":{"include_usage":true},"model":"gpt-4o",  "stream":true, "messages":[{"role":"user","content":"é {\\"x\\"}"}]}');
    expect(JSON.parse(out.toString())).toEqual({ ...JSON.parse(body.toString()), ...usage });
  });

  it("handles whitespace before and inside the braces, and an empty object", () => {
    expect(addMembers(Buffer.from(' \n\t{\r\n "a": 1 }\n'), usage)!.toString()).toBe(' \n\t{"stream_options":{"include_usage":true},\r\n "a": 1 }\n');
    expect(JSON.parse(addMembers(Buffer.from("{ \n }"), usage)!.toString())).toEqual(usage);
  });

  it("refuses what is not an object's bytes, so the caller re-serialises", () => {
    expect(addMembers(Buffer.from('["a"]'), usage)).toBeNull();
    expect(addMembers(Buffer.from("\ufeff{}"), usage)).toBeNull();
    expect(addMembers(Buffer.from(""), usage)).toBeNull();
  });
});

const json = Buffer.from(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }));

describe("compressed request bodies", () => {
  it.each([
    ["gzip", zlib.gzipSync(json)],
    ["x-gzip", zlib.gzipSync(json)],
    ["deflate", zlib.deflateSync(json)],
    ["br", zlib.brotliCompressSync(json)],
    [" GZIP ", zlib.gzipSync(json)],
  ])("decodes %s", async (encoding, body) => {
    expect(await decodeRequestBody(body, encoding, 1024)).toEqual(json);
  });

  it("passes identity through, refuses what does not decode and encodings it does not know", async () => {
    expect(await decodeRequestBody(json, "identity", 1024)).toBe(json);
    expect(await decodeRequestBody(json, "gzip", 1024)).toBe("undecodable");
    expect(await decodeRequestBody(json, "zstd", 1024)).toBe("unsupported");
  });

  it("refuses a small body that inflates past the limit, without inflating it whole", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await decodeRequestBody(bomb, "gzip", 1024 * 1024)).toBe("too_large");
  });
});
