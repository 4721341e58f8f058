import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpstreamProvider } from "./api-types";
import { probeUpstream, upstreamErrorText } from "./probe";

// A loopback upstream that answers per path, and records what it was sent.
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let origin = "";
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.url === "/v1/models") return json(200, { object: "list", data: [{ id: "gpt-4o" }, { id: "gpt-4o-mini" }] });
    if (req.url === "/bad/v1/models") return json(401, { error: { message: "Incorrect API key provided: sk-real-secret-123. You can find your API key at …", type: "invalid_request_error" } });
    if (req.url === "/api/tags") return json(200, { models: [{ name: "llama3.2:latest", model: "llama3.2:latest" }] });
    if (req.url?.startsWith("/slow")) return void setTimeout(() => json(200, {}), 2_000);
    if (req.url?.endsWith("/compat/chat/completions")) return json(400, { success: false, error: [{ code: 2009, message: "Unauthorized" }] });
    json(404, { error: "not here" });
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function provider(apiType: string, baseUrl: string, overrides: Partial<UpstreamProvider> = {}): UpstreamProvider {
  return { id: "x", key: "p", apiType, baseUrl, secrets: { apiKey: "sk-real-secret-123" }, settings: {}, models: [], ...overrides };
}

describe("provider probe", () => {
  it("succeeds with the listing's models, the status and a latency, sending the real credential", async () => {
    const result = await probeUpstream(provider("openai-completions", `${origin}/v1`), "list");
    expect(result).toMatchObject({ ok: true, status: 200, models: [{ id: "gpt-4o" }, { id: "gpt-4o-mini" }], message: expect.stringMatching(/answered 200 in \d+ ms; 2 models listed/) });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/v1/models", headers: { authorization: "Bearer sk-real-secret-123" } });
  });

  it("shows the upstream's own error text, with the secret it echoed redacted", async () => {
    const result = await probeUpstream(provider("openai-completions", `${origin}/bad/v1`));
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.message).toMatch(/^Upstream answered 401: Incorrect API key provided: \[redacted\]\. You can find/);
    expect(result.message).not.toContain("sk-real-secret-123");
  });

  it("explains Cloudflare's own error codes in the message", async () => {
    const result = await probeUpstream(provider("cloudflare-ai-gateway", `${origin}/v1/0123456789abcdef0123456789abcdef/gw/compat`, { secrets: { gatewayToken: "cf-token-xyz" }, settings: { authMode: "unified-billing" } }));
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(result.message).toMatch(/Unauthorized \(Cloudflare AI Gateway error 2009\)\. The gateway requires authentication/);
    expect(seen.at(-1)).toMatchObject({ method: "POST", headers: { "cf-aig-authorization": "Bearer cf-token-xyz" } });
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ max_tokens: 1 });
  });

  it("reaches Ollama on loopback whether its base has /v1 or not", async () => {
    for (const base of [origin, `${origin}/v1`]) {
      const result = await probeUpstream(provider("ollama", base, { secrets: {} }), "list");
      expect(result).toMatchObject({ ok: true, models: [{ id: "llama3.2:latest" }] });
      expect(seen.at(-1)!.url).toBe("/api/tags");
    }
  });

  it("gives up after the timeout and says so", async () => {
    const result = await probeUpstream(provider("openai-completions", `${origin}/slow/v1`), "probe", { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: null, message: "no answer within 0.3 s" });
    expect(result.latencyMs).toBeLessThan(2_000);
  });

  it("says when nothing listens", async () => {
    const result = await probeUpstream(provider("openai-completions", "http://127.0.0.1:1/v1"));
    expect(result).toMatchObject({ ok: false, status: null, message: expect.stringMatching(/connection refused/) });
  });

  it.each(["http://169.254.169.254/v1", "http://[fd00:ec2::254]/v1", "http://[fe80::1]/v1"])("refuses the link-local or metadata literal %s", async (baseUrl) => {
    const before = seen.length;
    const result = await probeUpstream(provider("openai-completions", baseUrl));
    expect(result).toMatchObject({ ok: false, status: null, message: expect.stringMatching(/refused to connect to .*link-local and cloud-metadata/) });
    expect(seen.length).toBe(before);
  });

  it("refuses a name that resolves to a metadata address after DNS, whatever the base URL says", async () => {
    for (const address of ["169.254.169.254", "fd00:ec2::254"]) {
      const resolve = async () => [{ address: "127.0.0.1", family: 4 }, { address, family: address.includes(":") ? 6 : 4 }];
      const result = await probeUpstream(provider("openai-completions", "http://innocent.internal:9/v1"), "probe", { resolve });
      expect(result.message).toBe(`refused to connect to ${address}: link-local and cloud-metadata addresses are never providers`);
    }
    // Loopback through a name is allowed.
    const port = new URL(origin).port;
    const loopback = await probeUpstream(provider("openai-completions", `http://ollama.internal:${port}/v1`), "probe", { resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(loopback).toMatchObject({ ok: true, status: 200 });
  });

  it("says a type without a listing has none", async () => {
    const result = await probeUpstream(provider("azure-openai", origin), "list");
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/Azure OpenAI has no model listing/) });
  });
});

describe("upstream error text", () => {
  it.each([
    ['{"error":{"message":"bad key","type":"x"}}', "bad key"],
    ['{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', "invalid x-api-key"],
    ['{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}', "API key not valid."],
    ['{"error":"model \\"x\\" not found"}', 'model "x" not found'],
    ['{"success":false,"error":[{"code":2005,"message":"Failed"}]}', "Failed"],
    ["<html>\n  Bad gateway\n</html>", "<html> Bad gateway </html>"],
  ])("%s", (body, text) => {
    expect(upstreamErrorText(body)).toBe(text);
  });
});
