import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callUpstream, type UpstreamBody } from "./upstream-call";

// Answers compressed although asked for identity, as some servers do.
const answer = Buffer.from(JSON.stringify({ model: "gpt-4o", usage: { prompt_tokens: 9, completion_tokens: 1 } }));
const bomb = zlib.gzipSync(Buffer.alloc(256 * 1024 * 1024)); // ~256 KB that inflates to 256 MB
let server: http.Server;
let origin: string;
const agent = new Agent();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const encoding = req.url === "/br" ? "br" : "gzip";
    res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
    if (req.url === "/bomb") res.end(bomb);
    else res.end(encoding === "br" ? zlib.brotliCompressSync(answer) : zlib.gzipSync(answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((r) => server.close(r));
});

const call = (path: string) => callUpstream(agent, { origin, path, method: "GET", headers: { "accept-encoding": "identity" } }, new AbortController().signal);

function readAll(body: UpstreamBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    body.read({ data: (c) => parts.push(c), end: () => resolve(Buffer.concat(parts)), error: reject });
  });
}

describe("an upstream that compresses its answer anyway", () => {
  it.each(["/gzip", "/br"])("is handed on decoded, without its content-encoding (%s)", async (path) => {
    const head = await call(path);
    expect(head.headers["content-encoding"]).toBeUndefined();
    expect(await readAll(head.body)).toEqual(answer);
  });

  it("that inflates hugely is held with the socket while nobody reads: memory stays bounded", async () => {
    const head = await call("/bomb");
    let received = 0;
    head.body.read({ data: (c) => ((received += c.length), head.body.pause()), end: () => {}, error: () => {} });
    await new Promise((r) => setTimeout(r, 300));
    // One chunk read, then paused: what waits is a few decoder buffers, not 256 MB.
    expect(received).toBeGreaterThan(0);
    expect(head.body.pendingBytes).toBeLessThan(4 * 1024 * 1024);
    head.body.destroy();
  });
});
