import path from "node:path";
import { gzipSync } from "node:zlib";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import postgres from "postgres";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { CallDTO } from "@/lib/usage/dashboard";
import { ANTHROPIC_USAGE, EMBEDDING_USAGE, GZIP_USAGE, LONG_LINE_BYTES, startAccountingUpstream, type AccountingUpstream } from "../fixtures/accounting-upstream";
import { unique } from "../fixtures/api";
import { freePort, sharedPostgres, startAppProcess, type AppProcess } from "../fixtures/app-process";
import { adminClient } from "../fixtures/gateway-setup";
import { rawRequest } from "../fixtures/raw-http";

// Every call counted, every outcome logged — through every way the one gateway core is
// served: `npm start`'s server.js answering /gateway itself (the default), the same server
// handing it to the Next.js route handler (GATEHOUSE_GATEWAY_MOUNT=next, as any Next.js host
// does) and the standalone listener (`npm run gateway`'s gateway.js), on one PostgreSQL,
// against a loopback fake upstream. All run with a 1 s time-to-first-byte limit and a 1 MB
// body limit.

const REAL_KEY = "sk-real-upstream-key-0123456789";
const PRICES = [
  { id: "gpt-4o", inputCostPerMTok: 2.5, outputCostPerMTok: 10 },
  { id: "gpt-4o-mini", inputCostPerMTok: 0.15, outputCostPerMTok: 0.6 },
  { id: "text-embedding-3-small", inputCostPerMTok: 0.02, outputCostPerMTok: 0 },
];

/** A request_logs row as the Usage page's call list names its columns. */
type Row = Pick<
  CallDTO,
  | "providerKey"
  | "path"
  | "model"
  | "stream"
  | "status"
  | "promptTokens"
  | "completionTokens"
  | "cachedTokens"
  | "costUsd"
  | "outcome"
  | "errorCode"
  | "errorExcerpt"
  | "keyId"
  | "username"
  | "ttfbMs"
>;

let db: Awaited<ReturnType<typeof sharedPostgres>>;
let app: AppProcess;
let route: AppProcess;
let standalone: AppProcess;
let upstream: AccountingUpstream;
let api: APIRequestContext;
let sql: postgres.Sql;

test.beforeAll(async () => {
  upstream = await startAccountingUpstream();
  db = await sharedPostgres("gwmounts");
  const env = { ...db.env, GATEHOUSE_GATEWAY_TTFB_SECONDS: "1", GATEHOUSE_GATEWAY_MAX_BODY_MB: "1" };
  app = await startAppProcess({ env });
  route = await startAppProcess({ env: { ...env, GATEHOUSE_GATEWAY_MOUNT: "next" } });
  const port = await freePort();
  standalone = await startAppProcess({ command: [process.execPath, path.join(process.cwd(), ".next/standalone/gateway.js")], port, env: { ...env, GATEHOUSE_GATEWAY_PORT: String(port) } });
  api = await adminClient(app.url);
  sql = postgres(db.url, { max: 2, onnotice: () => {} });
});

test.afterAll(async () => {
  await api?.dispose();
  await sql?.end();
  await standalone?.stop();
  await route?.stop();
  await app?.stop();
  await upstream?.close();
  await db?.drop();
});

/**
 * A provider on the fake upstream and a key for it. `base` is the path of its base URL
 * (default `/v1`): it stands for the client's `/v1`, so `/v1/hang` serves `/v1/hang/chat/completions`.
 */
async function provider(base = "/v1", allowed?: string[]): Promise<{ key: string; secret: string; keyId: string }> {
  const key = unique("acct");
  const res = await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key, name: key, baseUrl: `${upstream.url}${base}`, apiKey: REAL_KEY, models: PRICES } });
  expect(res.status(), await res.text()).toBe(201);
  const created = await (await api.post("/api/v1/keys", { data: { name: key, allowedProviders: allowed ?? [] } })).json();
  return { key, secret: created.secret, keyId: created.key.id };
}

/** The request_logs rows of a provider, once there are `count` of them (rows are written just after each call). */
async function rows(providerKey: string, count: number): Promise<Row[]> {
  let found: Row[] = [];
  await expect
    .poll(async () => {
      found = await sql<Row[]>`
        select l.provider_key as "providerKey", l.path, l.model, l.stream, l.status, l.prompt_tokens as "promptTokens",
               l.completion_tokens as "completionTokens", l.cached_tokens as "cachedTokens", l.cost_usd::float8 as "costUsd",
               l.outcome, l.error_code as "errorCode", l.error_excerpt as "errorExcerpt", l.virtual_key_id as "keyId",
               u.username, l.ttfb_ms as "ttfbMs"
        from request_logs l left join users u on u.id = l.user_id
        where l.provider_key = ${providerKey} order by l.id`;
      return found.length;
    })
    .toBe(count);
  return found;
}

const chat = (model: string, extra: object = {}) => JSON.stringify({ model, messages: [{ role: "user", content: "Say hi" }], ...extra });

const MOUNTS = { server: "the app's server", route: "the Next.js route handler", standalone: "the standalone listener" } as const;
for (const mount of ["server", "route", "standalone"] as const) {
  test.describe(MOUNTS[mount], () => {
    const served = () => ({ server: app, route, standalone })[mount];
    const origin = () => served().url;
    const sdk = (p: string, secret: string) => new OpenAI({ apiKey: secret, baseURL: `${origin()}/gateway/${p}/v1`, maxRetries: 0 });

    test("a streamed call that did not ask for usage is counted, and the client gets exactly the upstream's stream without the usage chunk", async () => {
      const p = await provider();
      // The openai SDK, streaming without stream_options.
      const stream = await sdk(p.key, p.secret).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Say hi" }], stream: true });
      let text = "";
      for await (const chunk of stream) {
        expect(chunk.usage ?? null).toBeNull();
        expect(chunk.choices).toHaveLength(1);
        text += chunk.choices[0]!.delta.content ?? "";
      }
      expect(text).toBe("Hello from the fake upstream.");
      const sent = upstream.recorded.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
      expect(JSON.parse(sent.body).stream_options).toEqual({ include_usage: true });

      // Byte for byte: the same call straight to the upstream, without usage, against the gateway's answer.
      const direct = await (await fetch(`${upstream.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: chat("gpt-4o", { stream: true }) })).text();
      const via = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${p.secret}` }, body: chat("gpt-4o", { stream: true }) });
      expect(via.headers.get("content-type")).toContain("text/event-stream");
      expect(await via.text()).toBe(direct);
      expect(direct).not.toContain('"usage"');

      const logged = await rows(p.key, 2);
      for (const row of logged) {
        expect(row).toMatchObject({ stream: true, status: 200, outcome: "success", model: "gpt-4o", promptTokens: 9, completionTokens: 6 });
        expect(row.costUsd).toBeCloseTo((9 * 2.5 + 6 * 10) / 1e6, 10);
        expect(row.ttfbMs).toBeGreaterThanOrEqual(0);
      }
    });

    test("the Anthropic SDK, plain and streamed: counted with cache reads and writes priced apart, and only the real key upstream", async () => {
      const key = unique("anth");
      const res = await api.post("/api/v1/providers", {
        data: { apiType: "anthropic-messages", key, name: key, baseUrl: `${upstream.url}/anthropic`, apiKey: REAL_KEY, models: [{ id: "claude-test", inputCostPerMTok: 3, outputCostPerMTok: 15, cachedInputCostPerMTok: 0.3, cacheWriteCostPerMTok: 3.75 }] },
      });
      expect(res.status(), await res.text()).toBe(201);
      const { secret } = await (await api.post("/api/v1/keys", { data: { name: key } })).json();
      const client = new Anthropic({ apiKey: secret, baseURL: `${origin()}/gateway/${key}`, maxRetries: 0 });
      const plain = await client.messages.create({ model: "claude-test", max_tokens: 16, messages: [{ role: "user", content: "Say hi" }] });
      expect(plain.content[0]).toMatchObject({ type: "text", text: "Hello" });
      const stream = await client.messages.create({ model: "claude-test", max_tokens: 16, messages: [{ role: "user", content: "Say hi" }], stream: true });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);

      const seen = upstream.recorded.filter((r) => r.path === "/anthropic/v1/messages").slice(-2);
      for (const r of seen) {
        expect(r.headers["x-api-key"]).toBe(REAL_KEY);
        expect(r.headers.authorization).toBeUndefined();
        expect(JSON.stringify(r.headers)).not.toContain(secret);
      }
      const logged = await rows(key, 2);
      expect(logged.map((r) => r.stream).sort()).toEqual([false, true]);
      for (const row of logged) {
        expect(row).toMatchObject({ model: "claude-test", outcome: "success", promptTokens: 125, cachedTokens: 100, completionTokens: ANTHROPIC_USAGE.output_tokens });
        expect(row.costUsd).toBeCloseTo((5 * 3 + 100 * 0.3 + 20 * 3.75 + 7 * 15) / 1e6, 10);
      }
    });

    test("a 5 MB embeddings answer is counted (usage read from an answer of any size)", async () => {
      const p = await provider();
      const res = await sdk(p.key, p.secret).embeddings.create({ model: "text-embedding-3-small", input: "hello" });
      expect(res.data).toHaveLength(260);
      expect(res.usage).toEqual(EMBEDDING_USAGE);
      const [row] = await rows(p.key, 1);
      expect(row).toMatchObject({ model: "text-embedding-3-small", promptTokens: 2420, outcome: "success" });
      expect(row!.costUsd).toBeCloseTo((2420 * 0.02) / 1e6, 10);
    });

    test("gpt-4o-mini is priced by its own entry although gpt-4o is listed first", async () => {
      const p = await provider();
      const res = await sdk(p.key, p.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi" }] });
      expect(res.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6 });
      const [row] = await rows(p.key, 1);
      expect(row!.costUsd).toBeCloseTo((9 * 0.15 + 6 * 0.6) / 1e6, 10);
    });

    test("one 32 MB SSE data line passes whole, the usage after it is counted, and health answers meanwhile", async () => {
      const p = await provider("/v1/long");
      const res = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${p.secret}` }, body: chat("gpt-4o", { stream: true }) });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let bytes = 0;
      let checkedHealth = false;
      let tail = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        tail = (tail + Buffer.from(value).toString("latin1")).slice(-400);
        if (!checkedHealth && bytes > 4 * 1024 * 1024) {
          checkedHealth = true;
          const health = await fetch(`${origin()}/api/health`, { signal: AbortSignal.timeout(5_000) });
          expect(health.status).toBe(200);
        }
      }
      expect(checkedHealth).toBe(true);
      expect(bytes).toBeGreaterThan(LONG_LINE_BYTES);
      // The usage chunk was asked for by the gateway, so the client does not see it.
      expect(tail).not.toContain('"usage"');
      expect(tail.endsWith("data: [DONE]\n\n")).toBe(true);
      const [row] = await rows(p.key, 1);
      expect(row).toMatchObject({ promptTokens: 11, completionTokens: 22, outcome: "success" });
    });

    test("a body sent with Content-Length goes upstream with that length, not chunked", async () => {
      const p = await provider("/v1/strict");
      const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "h" }] });
      expect(Buffer.byteLength(body)).toBe(61);
      const res = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "content-length": "61", authorization: `Bearer ${p.secret}` }, body });
      expect(res.status, await res.clone().text()).toBe(200);
      const seen = upstream.recorded.filter((r) => r.path === "/v1/strict/chat/completions").at(-1)!;
      expect(seen.headers["content-length"]).toBe("61");
      expect(seen.headers["transfer-encoding"]).toBeUndefined();
      expect(seen.body).toBe(body);
    });

    test("an upstream that never answers: 504 upstream_timeout after the time-to-first-byte limit, in the SDK's error shape", async () => {
      const p = await provider("/v1/hang");
      const started = Date.now();
      await expect(sdk(p.key, p.secret).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 504, code: "upstream_timeout" });
      expect(Date.now() - started).toBeLessThan(10_000);
      const [row] = await rows(p.key, 1);
      expect(row).toMatchObject({ status: 504, outcome: "upstream_timeout", errorCode: "upstream_timeout", ttfbMs: null, model: "gpt-4o", stream: false });
      // A stream that never began is logged as the stream it was asked to be, with its model.
      await expect(sdk(p.key, p.secret).chat.completions.create({ model: "gpt-4o", messages: [], stream: true })).rejects.toMatchObject({ status: 504 });
      expect((await rows(p.key, 2))[1]).toMatchObject({ status: 504, outcome: "upstream_timeout", model: "gpt-4o", stream: true });
    });

    test("an upstream that compresses its answer although asked not to: the client gets it decoded, and it is counted", async () => {
      const p = await provider("/v1/gzip");
      const client = sdk(p.key, p.secret);
      const plain = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
      expect(plain.choices[0]!.message.content).toBe("Hello, compressed.");
      let text = "";
      for await (const chunk of await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true })) {
        expect(chunk.usage ?? null).toBeNull();
        text += chunk.choices[0]?.delta.content ?? "";
      }
      expect(text).toBe("Hello, compressed.");
      for (const row of await rows(p.key, 2)) {
        expect(row).toMatchObject({ status: 200, outcome: "success", model: "gpt-4o", promptTokens: GZIP_USAGE.prompt_tokens, completionTokens: GZIP_USAGE.completion_tokens });
      }
    });

    test("a gzip-compressed request body goes upstream decoded (usage asked for and counted); an unknown encoding is a 415", async () => {
      const p = await provider();
      const headers = { "content-type": "application/json", "content-encoding": "gzip", authorization: `Bearer ${p.secret}` };
      const res = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers, body: gzipSync(chat("gpt-4o", { stream: true })) });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("[DONE]");
      const sent = upstream.recorded.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
      expect(sent.headers["content-encoding"]).toBeUndefined();
      expect(JSON.parse(sent.body)).toMatchObject({ model: "gpt-4o", stream: true, stream_options: { include_usage: true } });
      const zstd = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers: { ...headers, "content-encoding": "zstd" }, body: "x" });
      expect(zstd.status).toBe(415);
      expect((await zstd.json()).error.code).toBe("unsupported_encoding");
      const [counted, refused] = await rows(p.key, 2);
      expect(counted).toMatchObject({ status: 200, outcome: "success", model: "gpt-4o", stream: true, promptTokens: 9 });
      expect(refused).toMatchObject({ status: 415, outcome: "refused", errorCode: "unsupported_encoding" });
    });

    test("an error the upstream sends inside a 200 stream is the call's outcome, with its excerpt", async () => {
      const p = await provider("/v1/stream-error");
      // The SDK raises on the error event (and leaves); curl-like clients read to the end.
      await expect(
        (async () => {
          for await (const _ of await sdk(p.key, p.secret).chat.completions.create({ model: "gpt-4o", messages: [], stream: true }));
        })(),
      ).rejects.toThrow(/server had an error/);
      const res = await fetch(`${origin()}/gateway/${p.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${p.secret}` }, body: chat("gpt-4o", { stream: true }) });
      expect(await res.text()).toContain("server_error");
      const key = unique("anthover");
      expect((await api.post("/api/v1/providers", { data: { apiType: "anthropic-messages", key, name: key, baseUrl: `${upstream.url}/anthropic-overloaded`, apiKey: REAL_KEY } })).status()).toBe(201);
      const anthropicKey = (await (await api.post("/api/v1/keys", { data: { name: key } })).json()).secret;
      const anthropic = new Anthropic({ apiKey: anthropicKey, baseURL: `${origin()}/gateway/${key}`, maxRetries: 0 });
      await expect(
        (async () => {
          for await (const _ of await anthropic.messages.create({ model: "claude-test", max_tokens: 16, messages: [{ role: "user", content: "hi" }], stream: true }));
        })(),
      ).rejects.toThrow(/Overloaded/);
      for (const row of [...(await rows(p.key, 2)), ...(await rows(key, 1))]) {
        expect(row).toMatchObject({ status: 200, stream: true, outcome: "upstream_error", errorCode: "upstream_stream_error" });
        expect(row.errorExcerpt).toMatch(/server had an error|Overloaded/);
      }
    });

    test("an Anthropic call whose upstream cannot be reached is logged with the model and stream it asked for", async () => {
      const key = unique("anthdown");
      const res = await api.post("/api/v1/providers", { data: { apiType: "anthropic-messages", key, name: key, baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: REAL_KEY } });
      expect(res.status(), await res.text()).toBe(201);
      const { secret } = await (await api.post("/api/v1/keys", { data: { name: key } })).json();
      const client = new Anthropic({ apiKey: secret, baseURL: `${origin()}/gateway/${key}`, maxRetries: 0 });
      await expect(client.messages.create({ model: "claude-test", max_tokens: 16, messages: [{ role: "user", content: "hi" }], stream: true })).rejects.toMatchObject({ status: 502 });
      const [row] = await rows(key, 1);
      expect(row).toMatchObject({ status: 502, outcome: "upstream_unreachable", model: "claude-test", stream: true });
    });

    test("no client credential header of any provider reaches the upstream", async () => {
      const p = await provider();
      const res = await fetch(`${origin()}/gateway/${p.key}/v1/models`, {
        headers: {
          authorization: `Bearer ${p.secret}`,
          "api-key": "client-azure-key",
          "x-api-key": "client-anthropic-key",
          "x-goog-api-key": "client-google-key",
          "cf-aig-authorization": "Bearer client-cf-token",
          "proxy-authorization": "Basic Y2xpZW50",
          cookie: "session=client",
          "ocp-apim-subscription-key": "client-apim-key",
          "x-amz-security-token": "client-aws-token",
          "cf-access-client-id": "client-id",
          "cf-access-client-secret": "client-secret",
          "cf-access-jwt-assertion": "client-jwt",
          "openai-organization": "org-kept",
        },
      });
      expect(res.status).toBe(200);
      const seen = upstream.recorded.filter((r) => r.path === "/v1/models").at(-1)!;
      expect(seen.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
      expect(seen.headers["openai-organization"]).toBe("org-kept");
      const text = JSON.stringify(seen.headers);
      for (const value of ["client-azure-key", "client-anthropic-key", "client-google-key", "client-cf-token", "Y2xpZW50", "session=client", "client-apim-key", "client-aws-token", "client-id", "client-secret", "client-jwt", p.secret]) {
        expect(text).not.toContain(value);
      }
    });

    test("the virtual key is taken from whichever credential header holds it, past stray credentials in the others", async () => {
      const p = await provider();
      const call = (headers: Record<string, string>, query = "") => fetch(`${origin()}/gateway/${p.key}/v1/models${query}`, { headers });
      for (const [headers, query] of [
        [{ authorization: "Bearer client-token", "api-key": "client-azure-key", "x-goog-api-key": p.secret }, ""],
        [{ "x-api-key": "client-anthropic-key", "api-key": p.secret }, ""],
        [{ authorization: "Bearer client-token", "x-api-key": "client-anthropic-key" }, `?key=${p.secret}`],
      ] as const) {
        const res = await call(headers, query);
        expect(res.status, JSON.stringify(headers)).toBe(200);
        const seen = upstream.recorded.filter((r) => r.path === "/v1/models").at(-1)!;
        expect(seen.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
        expect(JSON.stringify(seen)).not.toContain(p.secret);
      }
      // With no Gatehouse key anywhere, the first credential sent is the one refused.
      const res = await call({ authorization: "Bearer client-token", "x-goog-api-key": "client-google-key" });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("invalid_api_key");
    });

    test("calls refused at the door are logged, with the key and user where known", async () => {
      const p = await provider();
      const other = await provider();
      const limited = await provider(undefined, [p.key]);
      const get = (slug: string, secret?: string) => fetch(`${origin()}/gateway/${slug}/v1/models`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });

      let res = await get(p.key);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("missing_api_key");
      res = await get(p.key, `sk-gh-${"x".repeat(43)}`);
      expect((await res.json()).error).toMatchObject({ code: "invalid_api_key", type: "authentication_error" });
      res = await get(other.key, limited.secret);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("provider_not_allowed");
      const missing = unique("missing");
      res = await get(missing, p.secret);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("provider_not_found");

      const [invalid, missingKey] = (await rows(p.key, 2)).sort((a, b) => String(a.errorCode).localeCompare(String(b.errorCode)));
      expect(missingKey).toMatchObject({ status: 401, outcome: "refused", errorCode: "missing_api_key", keyId: null });
      expect(invalid).toMatchObject({ status: 401, outcome: "refused", errorCode: "invalid_api_key", keyId: null });
      const [notAllowed] = (await rows(other.key, 1)).filter((r) => r.outcome === "refused");
      expect(notAllowed).toMatchObject({ status: 403, errorCode: "provider_not_allowed", keyId: limited.keyId, username: "admin" });
      const [unknown] = await rows(missing, 1);
      expect(unknown).toMatchObject({ status: 404, outcome: "refused", errorCode: "provider_not_found", keyId: p.keyId, username: "admin" });

      // A revoked key is refused like an unknown one, and its row names the key and its user.
      const revoked = await provider();
      expect((await api.delete(`/api/v1/keys/${revoked.keyId}`)).status()).toBe(200);
      res = await get(revoked.key, revoked.secret);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: "invalid_api_key", message: expect.stringContaining("revoked") });
      const [refusedRevoked] = await rows(revoked.key, 1);
      expect(refusedRevoked).toMatchObject({ status: 401, outcome: "refused", errorCode: "invalid_api_key", keyId: revoked.keyId, username: "admin" });

      // Paths that could climb out of the base path, sent raw (curl --path-as-is): 400 on
      // every mount (Next.js would resolve them first), logged with the key and its user.
      const climbing = await provider();
      const paths = ["/v1/../models", "/v1/%2e%2e/models", "/v1\\..\\models", "/v1/a%2Fb"];
      const reached = upstream.recorded.length;
      for (const path of paths) {
        const answer = await rawRequest(origin(), { path: `/gateway/${climbing.key}${path}`, headers: { authorization: `Bearer ${climbing.secret}` } });
        expect(answer.status, path).toBe(400);
        expect(JSON.parse(answer.body).error.code, path).toBe("invalid_path");
      }
      for (const row of await rows(climbing.key, paths.length)) {
        expect(row).toMatchObject({ status: 400, outcome: "refused", errorCode: "invalid_path", keyId: climbing.keyId, username: "admin" });
      }
      expect(upstream.recorded.length).toBe(reached);
    });

    test("hostile provider slugs get a 404 in the OpenAI error shape, and no database error", async () => {
      const p = await provider();
      const before = served().output().length;
      for (const slug of ["%00", "%E0%A4%A", "UPPER", "a%2Fb", "x".repeat(80)]) {
        const res = await fetch(`${origin()}/gateway/${slug}/v1/models`, { headers: { authorization: `Bearer ${p.secret}` } });
        expect(res.status, slug).toBe(404);
        const body = await res.json();
        // Paths that do not decode or hold control characters are refused by the listener's
        // request guard (`not_found`), the rest by the gateway's door (`provider_not_found`).
        expect(body.error, slug).toMatchObject({ type: "not_found_error", code: slug.startsWith("%") ? "not_found" : "provider_not_found" });
      }
      const output = served().output().slice(before);
      expect(output).not.toMatch(/error|failed/i);
    });

    test("every outcome has its row: upstream error, unreachable, body too large, client gone before and during the answer", async () => {
      // Upstream error: passed through with its status, logged with an excerpt.
      const failing = await provider("/v1/fail");
      await expect(sdk(failing.key, failing.secret).chat.completions.create({ model: "gpt-4o", messages: [] })).rejects.toMatchObject({ status: 500 });
      const [failed] = await rows(failing.key, 1);
      expect(failed).toMatchObject({ status: 500, outcome: "upstream_error", errorCode: "upstream_500" });
      expect(failed!.errorExcerpt).toContain("the model crashed");

      // Unreachable: nothing listens there.
      const closed = await freePort();
      const key = unique("down");
      expect((await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key, name: key, baseUrl: `http://127.0.0.1:${closed}/v1`, apiKey: REAL_KEY } })).status()).toBe(201);
      const { secret } = await (await api.post("/api/v1/keys", { data: { name: key } })).json();
      await expect(sdk(key, secret).models.list()).rejects.toMatchObject({ status: 502, code: "upstream_unreachable" });
      expect((await rows(key, 1))[0]).toMatchObject({ status: 502, outcome: "upstream_unreachable" });

      // Too large (limit 1 MB): declared by Content-Length, and sent chunked with no length.
      const big = await provider();
      const before = upstream.recorded.length;
      const huge = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(1_200_000) }] });
      let res = await fetch(`${origin()}/gateway/${big.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${big.secret}` }, body: huge });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("body_too_large");
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < huge.length; i += 65_536) controller.enqueue(Buffer.from(huge.slice(i, i + 65_536)));
          controller.close();
        },
      });
      res = await fetch(`${origin()}/gateway/${big.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${big.secret}` }, body: chunked, duplex: "half" } as RequestInit);
      expect(res.status).toBe(413);
      expect(upstream.recorded.length).toBe(before);
      for (const row of await rows(big.key, 2)) expect(row).toMatchObject({ status: 413, outcome: "body_too_large", errorCode: "body_too_large" });

      // The client leaves before the answer starts (the upstream is still thinking).
      const hang = await provider("/v1/hang");
      const waiting = upstream.waiting();
      const early = new AbortController();
      const call = fetch(`${origin()}/gateway/${hang.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${hang.secret}` }, body: chat("gpt-4o"), signal: early.signal });
      await expect.poll(() => upstream.waiting()).toBe(waiting + 1);
      early.abort();
      await expect(call).rejects.toThrow();
      expect((await rows(hang.key, 1))[0]).toMatchObject({ status: 499, outcome: "client_disconnected", errorCode: "before_answer" });

      // The client leaves during the answer.
      const held = await provider("/v1/held");
      const during = new AbortController();
      const streaming = await fetch(`${origin()}/gateway/${held.key}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${held.secret}` }, body: chat("gpt-4o", { stream: true }), signal: during.signal });
      const reader = streaming.body!.getReader();
      expect(Buffer.from((await reader.read()).value!).toString()).toContain('"role":"assistant"');
      during.abort();
      const [left] = await rows(held.key, 1);
      expect(left).toMatchObject({ status: 200, outcome: "client_disconnected", errorCode: "during_answer", stream: true });
      upstream.release();
    });
  });
}
