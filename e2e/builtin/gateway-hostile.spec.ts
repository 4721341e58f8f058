import http from "node:http";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { fakeCloudflare, signInBuiltinAdmin, unique } from "../fixtures/api";
import type { RecordedRequest } from "../fixtures/fake-openai";
import { listenOnLoopback } from "../fixtures/loopback";
import { rawRequest } from "../fixtures/raw-http";

// The gateway against an upstream that misbehaves, and clients that send odd things.
const REAL_KEY = "sk-real-key-that-must-never-leak-0123456789";

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
}

async function startHostileUpstream(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/v1/page") {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<script>fetch('/api/v1/users',{method:'POST'})</script>");
      }
      if (path === "/v1/echo") {
        // Quote the key we were sent, split across two chunks, and in a header.
        const auth = String(req.headers.authorization ?? "");
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": auth });
        const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${auth.slice(7)}` } });
        const cut = body.indexOf("never-leak");
        res.write(body.slice(0, cut));
        return setTimeout(() => res.end(body.slice(cut)), 30);
      }
      if (path === "/v1/headers") {
        // Headers that would act on Gatehouse's origin, beside ones SDKs read; the key echoed
        // in a successful answer, split across two writes, in a JSON body (chunked) and in an SSE comment.
        const key = String(req.headers.authorization ?? "").slice(7);
        const sse = req.headers.accept === "text/event-stream";
        res.writeHead(200, {
          "content-type": sse ? "text/event-stream" : "application/json",
          "clear-site-data": '"cookies", "storage"',
          refresh: "0; url=http://evil.example/phish",
          "set-cookie": "gatehouse_session=x; Path=/",
          "access-control-allow-origin": "*",
          location: "http://evil.example/",
          "x-request-id": "req_123",
          "x-ratelimit-remaining-requests": "99",
        });
        const text = sse ? `data: {"x":1}\n\n: debug ${key}\n\ndata: [DONE]\n\n` : JSON.stringify({ note: `key ${key}` });
        const cut = text.indexOf(key) + 10;
        res.write(text.slice(0, cut));
        return setTimeout(() => res.end(text.slice(cut)), 30);
      }
      if (path === "/v1/huge-usage") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ model: "m\u0000odel", usage: { prompt_tokens: 1e308, completion_tokens: 99999999999999999999 } }));
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  return {
    ...(await listenOnLoopback(server)),
    seen,
  };
}

async function setup(request: APIRequestContext, baseUrl: string) {
  await signInBuiltinAdmin(request);
  const providerKey = unique("hostile");
  expect((await request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: providerKey, name: "Hostile", baseUrl: `${baseUrl}/v1`, apiKey: REAL_KEY } })).status()).toBe(201);
  const { secret } = await (await request.post("/api/v1/keys", { data: { name: "hostile" } })).json();
  return { providerKey, secret: secret as string };
}

test.describe("gateway against a hostile upstream", () => {
  let upstream: Awaited<ReturnType<typeof startHostileUpstream>>;
  test.beforeAll(async () => {
    upstream = await startHostileUpstream();
  });
  test.afterAll(async () => upstream.close());

  test("an upstream page cannot run script on Gatehouse's origin", async ({ request }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    const res = await request.get(`/gateway/${providerKey}/v1/page?key=${secret}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-security-policy"]).toContain("sandbox");
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res.headers()["content-disposition"]).toBe("attachment");
  });

  test("an upstream that quotes the real key is redacted, in body and headers", async ({ request }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    const res = await request.get(`/gateway/${providerKey}/v1/echo`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(401);
    const text = await res.text();
    expect(text).not.toContain(REAL_KEY);
    expect(text).toContain("Incorrect API key provided: [redacted]");
    expect(JSON.stringify(res.headers())).not.toContain(REAL_KEY);
  });

  test("only the upstream headers a client needs pass, and a key echoed across two writes of a 200 is redacted", async ({ request }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    for (const accept of ["application/json", "text/event-stream"]) {
      const res = await request.get(`/gateway/${providerKey}/v1/headers`, { headers: { authorization: `Bearer ${secret}`, accept } });
      expect(res.status()).toBe(200);
      const headers = res.headers();
      for (const name of ["clear-site-data", "refresh", "set-cookie", "access-control-allow-origin", "location"]) expect(headers[name], name).toBeUndefined();
      expect(headers["x-request-id"]).toBe("req_123");
      expect(headers["x-ratelimit-remaining-requests"]).toBe("99");
      const text = await res.text();
      expect(text, accept).not.toContain(REAL_KEY.slice(10));
      expect(text, accept).toContain("[redacted]");
    }
  });

  test("the virtual key never reaches the upstream, wherever the client puts it", async ({ request }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    const before = upstream.seen.length;
    const res = await request.get(`/gateway/${providerKey}/v1/models?key=${secret}&api_key=${secret}&keep=1`, {
      headers: { "api-key": secret, "x-custom": `token ${secret}`, "x-api-key": secret, cookie: `k=${secret}`, "cf-access-client-secret": "s", "x-trace": "dropped", "openai-organization": "org-kept" },
    });
    expect(res.status()).toBe(200);
    const got = upstream.seen.slice(before);
    expect(got).toHaveLength(1);
    expect(JSON.stringify(got[0])).not.toContain(secret);
    expect(got[0]!.path).toBe("/v1/models?keep=1");
    expect(got[0]!.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    // Headers pass by the API type's allow-list only.
    expect(got[0]!.headers["openai-organization"]).toBe("org-kept");
    expect(got[0]!.headers["x-trace"]).toBeUndefined();
    expect(got[0]!.headers["cf-access-client-secret"]).toBeUndefined();
  });

  test("paths that could climb out of the base URL are refused before the upstream", async ({ request, baseURL }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    const before = upstream.seen.length;
    // Sent raw: URL classes would normalise the dot segments away before they leave.
    for (const path of ["v1/..%2f..%2fother", "v1/%2E%2e%2fx", "v1/a%2Fb", "v1/a%5cb", "v1/../models", "v1/%2e%2e/models", "v1/./models", "v1\\..\\models"]) {
      const { status, body } = await rawRequest(`${baseURL}`, { path: `/gateway/${providerKey}/${path}`, headers: { authorization: `Bearer ${secret}` } });
      expect(status, path).toBe(400);
      expect(JSON.parse(body).error.code, path).toBe("invalid_path");
    }
    expect(upstream.seen.length).toBe(before);
  });


  test("a client sending Expect: 100-continue (curl does, for bodies over 1 MB) gets through", async ({ request, baseURL }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${baseURL}/gateway/${providerKey}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", expect: "100-continue" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("continue", () => req.end('{"model":"m"}'));
      req.on("error", reject);
    });
    expect(status).toBe(200);
  });

  test("absurd usage numbers still leave a log row", async ({ request }) => {
    const { providerKey, secret } = await setup(request, upstream.url);
    expect((await request.post(`/gateway/${providerKey}/v1/huge-usage`, { headers: { authorization: `Bearer ${secret}` }, data: {} })).status()).toBe(200);
    await expect
      .poll(async () => ((await (await request.get("/api/v1/usage?limit=20")).json()).requests as { providerKey: string; path: string }[]).filter((r) => r.providerKey === providerKey && r.path === "/v1/huge-usage").length)
      .toBe(1);
  });
});

test("Cloudflare AI Gateway options (cf-aig-*) pass through; the client's cf-aig-authorization does not", async ({ request }) => {
  await signInBuiltinAdmin(request);
  const key = unique("cfopt");
  const gatewayId = unique("gw");
  await request.post("/api/v1/providers", { data: { apiType: "cloudflare-ai-gateway", key, name: "CF", accountId: "0123456789abcdef0123456789abcdef", gatewayId, gatewayToken: "server-side-token" } });
  const { secret } = await (await request.post("/api/v1/keys", { data: { name: "cf options" } })).json();
  await fakeCloudflare(request, "reset");
  const res = await request.post(`/gateway/${key}/v1/chat/completions`, {
    headers: { authorization: `Bearer ${secret}`, "cf-aig-cache-ttl": "60", "cf-aig-authorization": "Bearer client-supplied" },
    data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  });
  expect(res.status()).toBe(200);
  const [seen] = (await fakeCloudflare(request, "requests")) as RecordedRequest[];
  expect(seen!.headers["cf-aig-cache-ttl"]).toBe("60");
  expect(seen!.headers["cf-aig-authorization"]).toBe("Bearer server-side-token");
});
