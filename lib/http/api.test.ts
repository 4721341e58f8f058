import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { apiHandlers, readJson } from "./api";

const ctx = { params: Promise.resolve({}) };
const post = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request("http://gh.test/api/v1/things?token=secret", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("apiHandlers", () => {
  const route = apiHandlers({
    GET: () => ({ ok: true }),
    POST: async (req: Request) => ({ got: await readJson(req) }),
    DELETE: () => {
      throw new Error("driver exploded\nparams: secret-ciphertext");
    },
  });

  it("answers a method the route does not serve with 405, Allow and the documented shape", async () => {
    const res = await route.PUT(new Request("http://gh.test/x", { method: "PUT" }), ctx);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, DELETE, HEAD, OPTIONS");
    expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining("PUT is not supported") } });
  });

  it("answers OPTIONS with Allow, HEAD with GET's status and no body", async () => {
    expect((await route.OPTIONS(new Request("http://gh.test/x", { method: "OPTIONS" }), ctx)).headers.get("allow")).toContain("GET");
    const head = await route.HEAD(new Request("http://gh.test/x", { method: "HEAD" }), ctx);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses a body by Content-Length before the handler runs (413)", async () => {
    let ran = false;
    const guarded = apiHandlers({ POST: () => ((ran = true), {}) });
    const res = await guarded.POST(post("{}", { "content-length": "4000000" }), ctx);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(ran).toBe(false);
  });

  it("turns an unexpected error into a 500 in the documented shape, without stack or driver text", async () => {
    const res = await route.DELETE(new Request("http://gh.test/x", { method: "DELETE" }), ctx);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: expect.any(String) } });
    expect(text).not.toMatch(/secret|exploded|at .*\.ts/);
  });
});

describe("readJson", () => {
  it.each([
    ["empty", "", 400],
    ["not JSON", "{", 400],
    ["an array", "[]", 400],
    ["null", "null", 400],
    ["a NUL in a value", JSON.stringify({ name: "a\u0000b" }), 400],
    ["a NUL in a nested key", JSON.stringify({ a: [{ "k\u0000": 1 }] }), 400],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 400],
  ])("refuses %s with a validation error", async (_what, body, status) => {
    const err = await readJson(post(body as BodyInit)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(status);
  });

  it("counts a body without Content-Length as it arrives and stops past the limit (413)", async () => {
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(300_000).fill(0x20));
        c.close();
      },
    });
    const err = await readJson(post(stream as unknown as BodyInit)).catch((e: unknown) => e);
    expect((err as AppError).code).toBe("payload_too_large");
  });

  it("reads a deeply nested body without overflowing (it is the schema's job to refuse it)", async () => {
    const deep = `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(Object.keys(await readJson(post(deep)))).toEqual(["a"]);
  });
});
