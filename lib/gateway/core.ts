import type { Readable } from "node:stream";
import { Agent, errors as undiciErrors, type Dispatcher } from "undici";
import { getConfig } from "@/lib/config";
import { readCapped } from "@/lib/http/read-capped";
import { VIRTUAL_KEY_PREFIX } from "@/lib/keys/queries";
import { isCuttingOff } from "@/lib/lifecycle";
import { addUnwrittenUsage, admitCall, knownUnlimited, recordCallUsage, removeUnwrittenUsage } from "@/lib/limits/admission";
import { log } from "@/lib/log";
import { emptyUsage, getApiType, UpstreamRefusal, type ApiTypeModule, type Usage } from "@/lib/providers/api-types";
import { openAIErrorBody } from "@/lib/providers/api-types/openai-shared";
import { enqueueRequestLog, expectRequestLog, onRequestLogsWritten } from "@/lib/usage/log-writer";
import type { RequestOutcome, RequestRecord } from "@/lib/usage/queries";
import { Answer, type AnswerEnd } from "./answer";
import { JsonUsageReader } from "./json-usage";
import { lookupKey, lookupProvider, whyKeyUnusable, type GatewayKey, type UpstreamProvider } from "./lookups";
import { costOf } from "./pricing";
import { redactText, StreamRedactor } from "./redaction";
import { addMembers, decodeRequestBody } from "./request-body";
import { callUpstream, type CallSignal, type UpstreamBody, type UpstreamHead } from "./upstream-call";
import { NdjsonUsageReader, SseUsageReader } from "./stream-usage";

/**
 * The LLM gateway core: one {@link serveGatewayCall} for `/gateway/<provider>/<path>`, with
 * two thin faces — {@link handleGatewayRequest}, a plain `(Request) => Promise<Response>`
 * (the Next.js route handler, lib/gateway/mount-fetch.ts, or any Fetch host), and the
 * standalone listener's `node:http` handler (lib/gateway/mount-node.ts, `npm run gateway`).
 * It never imports `next/*`.
 *
 * Per call, in order:
 * 1. the door: the provider slug and path are checked before any query; the virtual key
 *    (`Authorization: Bearer`, `x-api-key`, `api-key`, `x-goog-api-key` or `?key=`) and the provider
 *    are looked up through per-process caches (5 s staleness, lib/gateway/lookup-cache.ts);
 *    the key must be allowed to use the provider;
 * 2. budgets and rate limits (lib/limits, `admitCall`): over a limit → 429, nothing goes upstream;
 * 3. the body is read up to `GATEHOUSE_GATEWAY_MAX_BODY_MB` (413 past it) and, when the API
 *    type wants to, rewritten (`prepareRequestBody`: usage injection for streams that did
 *    not ask for usage); it goes upstream with a `Content-Length`;
 * 4. upstream through one pooled undici `Agent` (`dispatch` with a handler of our own,
 *    lib/gateway/upstream-call.ts); no status line and headers within
 *    `GATEHOUSE_GATEWAY_TTFB_SECONDS` → 504 `upstream_timeout`;
 * 5. the answer streams back unbuffered while usage is read from it (JSON of any size,
 *    SSE, NDJSON) and the provider's real secrets are redacted; a usage-only event the
 *    gateway asked for is cut out;
 * 6. one request_logs row per call, whatever the outcome, queued to the batched log writer
 *    (lib/usage/log-writer.ts) — {@link logCall}.
 * Client credentials never go upstream: headers pass only through the API type's allow-list.
 */

/**
 * A gateway call as a mount received it. The core never touches a host's own request
 * object: the Fetch mount adapts a `Request` ({@link handleGatewayRequest}), the Node
 * listener an `IncomingMessage` (lib/gateway/mount-node.ts) without building any Fetch
 * object — on a plain proxy's budget, `new Request`/`Headers`/`Response` and their abort
 * signals were a tenth of a call's CPU (bench:gateway, `--cpu-prof`).
 */
export interface IncomingCall {
  method: string;
  /** The request target: path and query as the client sent them (`/gateway/openai/v1/chat/completions?x=1`). */
  target: string;
  /** A request header by lower-case name (repeats joined with ", "), or null. */
  header(name: string): string | null;
  /** Calls `fn` with every request header, lower-case names (a callback: no iterator per call). */
  forEachHeader(fn: (name: string, value: string) => void): void;
  /** The body: a Node stream (the listener) or a web stream (Fetch); null when none. */
  body: Readable | ReadableStream<Uint8Array> | null;
  /** Aborted when the client goes away (an AbortSignal, or an EventEmitter emitting `abort`: lib/gateway/upstream-call.ts takes both). */
  signal: CallSignal;
}

/** What the core answers: status, headers (lower-case names) and a body — an upstream answer streaming through, text of the gateway's own, or none. */
export interface CallReply {
  status: number;
  headers: Record<string, string>;
  body: Answer | string | null;
}

/** Provider slugs as lib/providers/schemas.ts allows them: checked before any query (`%00` never reaches the database). */
const PROVIDER_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
// How much of an upstream error body is read to explain, redact and log it (bytes).
const ERROR_BODY_LIMIT = 64 * 1024;
const EXCERPT_CHARS = 500;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const AGENT = Symbol.for("gatehouse.gateway.agent");
type AgentHolder = { [AGENT]?: Agent };

/** One pooled upstream client per process (keep-alive connections reused across calls). */
function agent(): Dispatcher {
  const holder = globalThis as AgentHolder;
  return (holder[AGENT] ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 10_000 } }));
}

/** One gateway call being served: what its log row will say. */
interface Call {
  /** performance.now() at arrival (ms), for latency */
  started: number;
  /** Date.now() at arrival (ms since the epoch): the row's time, whenever it is written */
  startedAt: number;
  /** the row announced to the log writer (expectRequestLog) is still to come */
  rowExpected: boolean;
  method: string;
  providerKey: string;
  clientPath: string;
  key: GatewayKey | null;
  provider: UpstreamProvider | null;
  module: ApiTypeModule | null;
  requestedModel: string | null;
  /** The client asked for a stream (`"stream": true`): known once the body was read. */
  requestedStream: boolean;
  ttfbMs: number | null;
}

/**
 * Serves one gateway call. Never throws: every failure is an answer in the client SDK's
 * error shape and a log row.
 */
export async function serveGatewayCall(incoming: IncomingCall): Promise<CallReply> {
  // The row is announced at once: a stopping process waits for it (lib/usage/log-writer.ts).
  expectRequestLog();
  const call: Call = { started: performance.now(), startedAt: Date.now(), rowExpected: true, method: incoming.method, providerKey: "", clientPath: "", key: null, provider: null, module: null, requestedModel: null, requestedStream: false, ttfbMs: null };
  try {
    return await serve(incoming, call);
  } catch (err) {
    log.error("gateway call failed", { error: (err as Error)?.message ?? String(err) });
    return refuse(call, 500, "The gateway failed to handle this call", "gateway_error", "upstream_error");
  }
}

/**
 * The gateway as a Fetch handler, `(Request) => Promise<Response>`: the Next.js route
 * (lib/gateway/mount-fetch.ts) and any other host that speaks the Fetch API. Reads the body
 * from `req.body`, watches `req.signal`, answers with a streamed `Response`.
 */
export async function handleGatewayRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const reply = await serveGatewayCall({
    method: req.method,
    target: url.pathname + url.search,
    header: (name) => req.headers.get(name),
    forEachHeader: (fn) => req.headers.forEach((value, name) => fn(name, value)),
    body: req.body,
    signal: req.signal,
  });
  if (reply.body instanceof Answer) {
    const answer = reply.body;
    // A host may neither read nor cancel the body of a response whose client has already
    // gone (Next.js: next/dist/server/pipe-readable.js returns when the socket is destroyed):
    // the answer is then abandoned, so the upstream is let go and the call logs.
    if (req.signal.aborted) answer.abandon();
    else req.signal.addEventListener("abort", () => answer.abandonIfUnread(), { once: true });
    return answer.toResponse(reply.status, reply.headers);
  }
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

async function serve(req: IncomingCall, call: Call): Promise<CallReply> {
  const signal = req.signal;
  const queryAt = req.target.indexOf("?");
  const pathname = queryAt === -1 ? req.target : req.target.slice(0, queryAt);
  const query = queryAt === -1 || queryAt === req.target.length - 1 ? NO_QUERY : new URLSearchParams(req.target.slice(queryAt + 1));
  const match = /^\/gateway\/([^/]*)(.*)$/.exec(pathname);
  let slug: string | null = null;
  try {
    slug = match ? decodeURIComponent(match[1]!) : null;
  } catch {
    // undecodable percent-encoding: not a provider slug
  }
  call.providerKey = (slug ?? match?.[1] ?? "").slice(0, 200);
  call.clientPath = match?.[2] ?? "";
  if (slug === null || !PROVIDER_SLUG.test(slug)) {
    return refuse(call, 404, `No provider with key "${printable(call.providerKey)}": provider keys are lowercase letters, digits and dashes`, "provider_not_found", "refused");
  }

  const secret = virtualKeyOf(req, query);
  let provider = lookupProvider(slug);
  let key = secret ? lookupKey(secret) : null;
  // Both are plain values when cached (the usual case): no promise is made for them.
  if (provider instanceof Promise || key instanceof Promise) [provider, key] = await Promise.all([provider, key]);
  call.provider = provider;
  call.key = key;
  if (provider) call.module = getApiType(provider.apiType);
  if (!secret) return refuse(call, 401, "Missing virtual key: send it as `Authorization: Bearer sk-gh-…` (or x-api-key)", "missing_api_key", "refused");
  if (!key) return refuse(call, 401, "Invalid virtual key: no key has this secret", "invalid_api_key", "refused");
  // A revoked or expired key is refused like an unknown one, but its row names the key and
  // its user: an admin sees who still uses it.
  const unusable = whyKeyUnusable(key);
  if (unusable) return refuse(call, 401, `Invalid virtual key: ${unusable}`, "invalid_api_key", "refused");
  if (!provider) return refuse(call, 404, `No provider with key "${slug}"`, "provider_not_found", "refused");
  if (key.allowedProviders.length > 0 && !key.allowedProviders.includes(provider.key)) {
    return refuse(call, 403, `This virtual key may not use provider "${provider.key}"`, "provider_not_allowed", "refused");
  }
  // After the key, so that the refused row names it and its user. A client's own URL
  // handling resolves dot segments before the request leaves: only hand-made requests hold them.
  const clientPath = call.clientPath;
  if (climbsOut(clientPath)) {
    return refuse(call, 400, "Invalid path: '.' and '..' segments, backslashes and encoded slashes are not allowed", "invalid_path", "refused");
  }
  const apiType = call.module!;

  let upstreamUrl: string;
  try {
    upstreamUrl = apiType.upstreamUrl(provider, clientPath, searchWithoutKey(query, secret));
  } catch (err) {
    if (err instanceof UpstreamRefusal) return refuse(call, err.status, err.message, err.code, "refused");
    throw err;
  }

  const refusal = knownUnlimited(key.id, key.userId) ? null : await admitCall({ keyId: key.id, userId: key.userId });
  if (refusal) {
    // 429 in the type's error shape: SDKs raise their rate-limit error and may retry after `retry-after` s.
    const reply = refuse(call, 429, refusal.message, "rate_limit_exceeded", "limited", refusal.limit);
    reply.headers["retry-after"] = String(refusal.retryAfterSeconds);
    reply.headers["x-gatehouse-limit"] = refusal.limit;
    return reply;
  }

  // ——— the body ———
  const config = getConfig().gateway;
  let body: Buffer | null = null;
  let usageInjected = false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const declared = req.header("content-length");
    if (declared !== null && Number(declared) > config.maxBodyBytes) return tooLarge(call, config.maxBodyBytes);
    const read = await readBody(req.body, config.maxBodyBytes, signal);
    if (read === "too_large") return tooLarge(call, config.maxBodyBytes);
    if (read === "aborted") return disconnected(call, "before_answer");
    body = read;
    const encoding = req.header("content-encoding");
    if (encoding !== null) {
      const decoded = await decodeRequestBody(body, encoding, config.maxBodyBytes);
      if (decoded === "too_large") return tooLarge(call, config.maxBodyBytes);
      if (decoded === "unsupported") return refuse(call, 415, `Content-Encoding "${printable(encoding.slice(0, 40))}" is not supported: send the body plain, or as gzip, deflate or br`, "unsupported_encoding", "refused");
      if (decoded === "undecodable") return refuse(call, 400, `The request body is not valid ${printable(encoding.slice(0, 40))} data`, "invalid_body", "refused");
      body = decoded;
    }
    if (body.length > 0 && apiType.inspectsRequestBody(req.method, clientPath)) {
      const parsed = parseObject(body);
      if (parsed) {
        noteRequest(call, parsed);
        try {
          const rewrite = apiType.prepareRequestBody(parsed, { provider, method: req.method, clientPath });
          if (rewrite.changed) body = (rewrite.added && addMembers(body, rewrite.added)) || Buffer.from(JSON.stringify(parsed));
          usageInjected = rewrite.usageInjected;
        } catch (err) {
          if (err instanceof UpstreamRefusal) return refuse(call, err.status, err.message, err.code, "refused");
          throw err;
        }
      }
    }
  }

  // ——— upstream ———
  const headers = forwardedHeaders(req, apiType, secret);
  const auth = apiType.authHeaders(provider);
  for (const name in auth) headers[name] = auth[name]!;
  // Named properties, not a spread: undici's dispatch destructures these options, and a
  // spread-built object made that the costliest line of a call (~5 µs; bench:gateway A/B).
  const { origin, path } = originAndPath(upstreamUrl);
  let upstream: UpstreamHead;
  try {
    upstream = await callUpstream(
      agent(),
      {
        origin,
        path,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body,
        headersTimeout: config.ttfbTimeoutMs,
        // Streams may pause between events (reasoning models think for minutes).
        bodyTimeout: 600_000,
      },
      signal,
    );
  } catch (err) {
    noteRequestOnFailure(call, body);
    if (signal.aborted) return disconnected(call, "before_answer");
    if (err instanceof undiciErrors.HeadersTimeoutError) {
      const seconds = config.ttfbTimeoutMs / 1000;
      return refuse(call, 504, `Provider "${provider.key}" did not start answering within ${seconds} s (GATEHOUSE_GATEWAY_TTFB_SECONDS)`, "upstream_timeout", "upstream_timeout");
    }
    return refuse(call, 502, `Provider "${provider.key}" could not be reached (${describeError(err)})`, "upstream_unreachable", "upstream_unreachable");
  }
  call.ttfbMs = Math.round(performance.now() - call.started);
  if (upstream.statusCode >= 400) noteRequestOnFailure(call, body);
  return answer(call, upstream, usageInjected, signal);
}

/** Notes the model and stream flag a JSON request body asks for (its row's fallback when no answer names them). */
function noteRequest(call: Call, body: Record<string, unknown>): void {
  if (typeof body.model === "string") call.requestedModel = body.model;
  call.requestedStream = body.stream === true;
}

/**
 * A call that failed upstream (no answer, or an error answer, which seldom names a model):
 * its row names the model and stream the body asked for. Bodies the API type does not
 * inspect on the way out are parsed only here, off the successful path.
 */
function noteRequestOnFailure(call: Call, body: Buffer | null): void {
  if (call.requestedModel !== null || body === null || body.length === 0) return;
  const parsed = parseObject(body);
  if (parsed) noteRequest(call, parsed);
}

const USAGE_COUNTING = Symbol.for("gatehouse.gateway.usageCounting");

/**
 * Budgets and tokens-per-minute count what calls used (lib/limits, `recordCallUsage`):
 * once per batch of written log rows, one upsert per key in the batch (tokens and cost
 * added up), rather than one per call. Calls refused at the door or by a limit used nothing.
 */
function countUsageOnceRowsAreWritten(): void {
  const holder = globalThis as { [USAGE_COUNTING]?: true };
  if (holder[USAGE_COUNTING]) return;
  holder[USAGE_COUNTING] = true;
  onRequestLogsWritten(async (rows) => {
    const byKey = new Map<string, { keyId: string; userId: string; tokens: number; costUsd: number }>();
    for (const row of rows) {
      if (!row.virtualKeyId || !row.userId || row.outcome === "refused" || row.outcome === "limited") continue;
      const sum = byKey.get(row.virtualKeyId) ?? { keyId: row.virtualKeyId, userId: row.userId, tokens: 0, costUsd: 0 };
      sum.tokens += (row.promptTokens ?? 0) + (row.completionTokens ?? 0);
      sum.costUsd += row.costUsd ?? 0;
      byKey.set(row.virtualKeyId, sum);
    }
    for (const sum of byKey.values()) {
      try {
        await recordCallUsage(sum);
      } finally {
        removeUnwrittenUsage(sum);
      }
    }
  });
}
countUsageOnceRowsAreWritten();

/** The upstream's answer, passed through while usage is read; the log row is written when it ends. */
async function answer(call: Call, upstream: UpstreamHead, usageInjected: boolean, signal: CallSignal): Promise<CallReply> {
  const provider = call.provider!;
  const apiType = call.module!;
  const secrets = secretsOf(provider);
  const status = upstream.statusCode;
  const contentType = headerValue(upstream.headers["content-type"]).toLowerCase();
  const outHeaders = responseHeaders(upstream.headers, secrets);
  const isSse = contentType.includes("text/event-stream");
  const isNdjson = !isSse && contentType.includes("ndjson");
  const usage = emptyUsage();

  if (status >= 400) {
    // Read the start of an error body: to explain it (Cloudflare's codes), redact it whole
    // (a key split across chunks is still caught) and keep an excerpt for the log.
    const { prefix, complete, failed } = await readPrefix(upstream.body, ERROR_BODY_LIMIT);
    if (failed && signal.aborted) return disconnected(call, "during_answer");
    const text = Buffer.concat(prefix).toString("utf8");
    const excerpt = redactText(text.slice(0, EXCERPT_CHARS), secrets);
    if (complete) {
      const explained = apiType.explainUpstreamError?.(status, text) ?? null;
      const sent = redactText(explained ?? text, secrets);
      logCall(call, { status, outcome: "upstream_error", errorCode: `upstream_${status}`, excerpt, usage, stream: isSse || isNdjson });
      if (explained !== null) outHeaders["content-type"] = "application/json";
      return { status, headers: outHeaders, body: NULL_BODY_STATUSES.has(status) ? null : sent };
    }
    // A long error body: the read prefix, then the rest, redacted with hold-back.
    const redactor = new StreamRedactor(secrets, "always");
    const rest = new Answer(upstream.body, {
      cancelled: () => signal.aborted,
      prefix: prefix.map((c) => redactor.push(c)),
      transform: (chunk) => redactor.push(chunk),
      flush: () => [redactor.end()],
      onEnd: (how) => logCall(call, { status, outcome: endOutcome(how, "upstream_error"), errorCode: endCode(how, `upstream_${status}`), excerpt, usage, stream: false }),
    });
    return { status, headers: outHeaders, body: rest };
  }

  // A key an upstream echoes split across two reads is caught too; events are not held.
  const redactor = secrets.some((s) => s.length >= 8) ? new StreamRedactor(secrets, isSse || isNdjson ? "partial-line" : "always", contentLength(upstream.headers)) : null;
  let transform: (chunk: Buffer) => Buffer | Buffer[];
  let flush: () => Buffer[] = () => [];
  let streamed: SseUsageReader | NdjsonUsageReader | null = null;
  if (isSse) {
    const reader = new SseUsageReader(apiType, usage, usageInjected);
    streamed = reader;
    transform = (chunk) => reader.push(chunk);
    flush = () => reader.end();
  } else if (isNdjson) {
    const reader = new NdjsonUsageReader(apiType, usage);
    streamed = reader;
    transform = (chunk) => (reader.push(chunk), chunk);
    flush = () => (reader.end(), []);
  } else if (contentType.includes("json") && apiType.jsonUsageKeys.length > 0) {
    const reader = new JsonUsageReader(apiType.jsonUsageKeys);
    transform = (chunk) => (reader.push(chunk), chunk);
    flush = () => {
      const values = reader.result();
      if (Object.keys(values).length > 0) apiType.readJsonUsage(values, usage);
      return [];
    };
  } else {
    transform = (chunk) => chunk;
  }
  const redacting = redactor
    ? (chunk: Buffer) => {
        const out = transform(chunk);
        return Array.isArray(out) ? out.map((b) => redactor.push(b)) : redactor.push(out);
      }
    : transform;
  // What the redactor held back goes last (after the reader's own held bytes, redacted too).
  const flushing = redactor ? () => [...flush().map((b) => redactor.push(b)), redactor.end()] : flush;

  const onEnd = (how: AnswerEnd) => {
    // An error the upstream sent inside its stream is the call's outcome, even when the
    // client (an SDK that raises on it) left or the upstream broke off right after it.
    const streamError = streamed?.streamError ?? null;
    if (streamError !== null) {
      const excerpt = redactText(streamError.slice(0, EXCERPT_CHARS), secrets);
      logCall(call, { status, outcome: "upstream_error", errorCode: "upstream_stream_error", excerpt, usage, stream: true });
    } else logCall(call, { status, outcome: endOutcome(how, "success"), errorCode: endCode(how, null), excerpt: null, usage, stream: isSse || isNdjson });
  };
  if (NULL_BODY_STATUSES.has(status)) {
    upstream.body.discard();
    onEnd("complete");
    return { status, headers: outHeaders, body: null };
  }
  return { status, headers: outHeaders, body: new Answer(upstream.body, { transform: redacting, flush: flushing, onEnd, cancelled: () => signal.aborted }) };
}

/**
 * Reads an answer's body up to a little past `limit` bytes (or to its end), then pauses it:
 * the rest stays readable. `failed`: the body broke off (what came before is kept).
 */
function readPrefix(body: UpstreamBody, limit: number): Promise<{ prefix: Buffer[]; complete: boolean; failed: boolean }> {
  return new Promise((resolve) => {
    const prefix: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (complete: boolean, failed: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ prefix, complete, failed });
    };
    body.read({
      data: (chunk) => {
        if (settled) return;
        prefix.push(chunk);
        size += chunk.length;
        if (size > limit) {
          body.pause();
          settle(false, false);
        }
      },
      end: () => settle(true, false),
      error: () => settle(true, true),
    });
  });
}

function endOutcome(how: AnswerEnd, complete: RequestOutcome): RequestOutcome {
  return how === "complete" ? complete : how === "cancelled" ? "client_disconnected" : "upstream_unreachable";
}

function endCode(how: AnswerEnd, complete: string | null): string | null {
  return how === "complete" ? complete : how === "cancelled" ? leftCode("during_answer") : "upstream_stream_failed";
}

/** Why an unfinished call's connection closed: its client left, or the graceful stop cut it (`shutdown`). */
function leftCode(when: "before_answer" | "during_answer"): string {
  return isCuttingOff() ? "shutdown" : when;
}

/**
 * Queues the call's request_logs row; once written, its tokens and cost count toward the
 * key's and user's limits ({@link countUsageOnceRowsAreWritten}).
 */
function logCall(
  call: Call,
  end: { status: number; outcome: RequestOutcome; errorCode: string | null; excerpt: string | null; usage: Usage; stream: boolean; limit?: string | null },
): void {
  const secrets = call.provider ? secretsOf(call.provider) : [];
  const model = end.usage.model ?? call.requestedModel;
  const row: RequestRecord = {
    virtualKeyId: call.key?.id ?? null,
    userId: call.key?.userId ?? null,
    providerId: call.provider?.id ?? null,
    providerKey: call.provider?.key ?? call.providerKey,
    method: call.method,
    path: redactText(call.clientPath, secrets),
    model: model === null ? null : redactText(model, secrets),
    stream: end.stream,
    status: end.status,
    promptTokens: end.usage.promptTokens,
    completionTokens: end.usage.completionTokens,
    cachedTokens: end.usage.cachedTokens,
    cacheWriteTokens: end.usage.cacheWriteTokens,
    reasoningTokens: end.usage.reasoningTokens,
    costUsd: call.provider ? costOf(call.provider.models, model, end.usage) : null,
    latencyMs: Math.round(performance.now() - call.started),
    createdAt: call.startedAt,
    ttfbMs: call.ttfbMs,
    errorExcerpt: end.excerpt === null ? null : redactText(end.excerpt, secrets),
    outcome: end.outcome,
    errorCode: end.errorCode,
    limitRefused: end.limit ?? null,
  };
  enqueueRequestLog(row, call.rowExpected);
  call.rowExpected = false;
  // A limited key's next call must see this one's spend before its counters are written.
  const key = call.key;
  if (key && end.outcome !== "refused" && end.outcome !== "limited" && !knownUnlimited(key.id, key.userId)) {
    addUnwrittenUsage({ keyId: key.id, userId: key.userId, tokens: (row.promptTokens ?? 0) + (row.completionTokens ?? 0), costUsd: row.costUsd ?? 0 });
  }
}

/** Answers the call with an error of the gateway's own, in the client SDK's shape, and logs it. */
function refuse(call: Call, status: number, message: string, code: string, outcome: RequestOutcome, limit?: string): CallReply {
  const clean = call.provider ? redactText(message, secretsOf(call.provider)) : message;
  logCall(call, { status, outcome, errorCode: code, excerpt: clean, usage: emptyUsage(), stream: call.requestedStream, limit });
  const body = call.module ? call.module.errorBody(status, clean, code, call.clientPath) : openAIErrorBody(status, clean, code);
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function tooLarge(call: Call, max: number): CallReply {
  return refuse(call, 413, `The request body is larger than ${Math.round((max / 1024 / 1024) * 1000) / 1000} MB (GATEHOUSE_GATEWAY_MAX_BODY_MB)`, "body_too_large", "body_too_large");
}

/** The client left before the answer started: nobody reads this answer, but the row says so. */
function disconnected(call: Call, when: "before_answer" | "during_answer"): CallReply {
  logCall(call, { status: 499, outcome: "client_disconnected", errorCode: leftCode(when), excerpt: null, usage: emptyUsage(), stream: call.requestedStream });
  return { status: 499, headers: {}, body: null };
}

/** Reads the whole body, at most `max` bytes. */
async function readBody(body: IncomingCall["body"], max: number, signal: CallSignal): Promise<Buffer | "too_large" | "aborted"> {
  let read: Buffer | null | "too_large" | "aborted";
  try {
    if (!body) read = Buffer.alloc(0);
    else if ("getReader" in body) read = await readCapped(body, max);
    else read = await readNodeBody(body, max);
  } catch (err) {
    if (signal.aborted) return "aborted";
    throw err;
  }
  if (signal.aborted) return "aborted";
  return read ?? "too_large";
}

/**
 * A Node request body by its events (an async iterator costs several promises per call).
 * Past `max` the rest is read and dropped, so the 413 can still be answered on the
 * connection; an error or a close before the end means the client went away.
 */
function readNodeBody(body: Readable, max: number): Promise<Buffer | "too_large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | "too_large" | "aborted") => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onGone);
      body.off("close", onGone);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        finish("too_large");
        body.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onGone = () => finish("aborted");
    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", onGone);
    body.once("close", onGone);
  });
}

function parseObject(body: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * True when a path (still percent-encoded, no query) could climb out of a provider's base
 * path once resolved, by a WHATWG URL parser or by an upstream: a `.` or `..` segment (also
 * encoded as `%2e`), a backslash (which WHATWG URLs read as `/`), an encoded `/` or `\`.
 * The gateway refuses such paths (400 `invalid_path`); its listeners pass them on unresolved.
 */
export function climbsOut(path: string): boolean {
  if (/\\|%2f|%5c/i.test(path)) return true;
  return (path.includes(".") || path.includes("%")) && path.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

/**
 * The virtual key: from `Authorization: Bearer`, `x-api-key`, `api-key` (Azure OpenAI's;
 * the AzureOpenAI SDK sends the key there), `x-goog-api-key` or `?key=` (Google's). The first
 * that holds a Gatehouse key (`sk-gh-…`) wins, so a stray credential in another of them
 * does not hide it; with none, the first one sent (it is then refused as unknown).
 */
function virtualKeyOf(req: IncomingCall, query: URLSearchParams): string | null {
  const auth = req.header("authorization");
  const bearer = auth ? (/^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] ?? null) : null;
  if (bearer?.startsWith(VIRTUAL_KEY_PREFIX)) return bearer;
  const others = [req.header("x-api-key"), req.header("api-key"), req.header("x-goog-api-key"), query.get("key")];
  let first = bearer;
  for (const value of others) {
    const candidate = value?.trim();
    if (!candidate) continue;
    if (candidate.startsWith(VIRTUAL_KEY_PREFIX)) return candidate;
    first ??= candidate;
  }
  return first;
}

/** The query without `key` and without any parameter carrying the virtual key. */
function searchWithoutKey(params: URLSearchParams, secret: string): string {
  if (params.size === 0) return "";
  const copy = new URLSearchParams();
  for (const [name, value] of params) {
    if (name !== "key" && !value.includes(secret)) copy.append(name, value);
  }
  return copy.size > 0 ? `?${copy}` : "";
}

/**
 * What the upstream gets of the client's headers: only what the API type's allow-list
 * names (never a credential header of any provider), nothing carrying the virtual key, and
 * `accept-encoding: identity` so the answer streams through as sent.
 */
function forwardedHeaders(incoming: IncomingCall, module: ApiTypeModule, secret: string): Record<string, string> {
  const out: Record<string, string> = {};
  incoming.forEachHeader((name, value) => {
    if (module.forwardsRequestHeader(name) && !value.includes(secret)) out[name] = value;
  });
  out["accept-encoding"] = "identity";
  return out;
}

/** An answer's `content-length` in bytes, or null when absent or not a plain number. */
function contentLength(headers: Record<string, string | string[] | undefined>): number | null {
  const raw = headers["content-length"];
  return typeof raw === "string" && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * The upstream answer headers a client gets: what describes the body and what LLM SDKs
 * read (request ids, rate limits, retry hints, processing time) — an allow-list, since
 * the answer is served from Gatehouse's origin, where headers such as `Clear-Site-Data`,
 * `Refresh`, `Set-Cookie` or `Access-Control-*` would act on its sign-in session.
 * Sources: OpenAI (`x-request-id`, `openai-*`, `x-ratelimit-*`, `x-should-retry`,
 * https://platform.openai.com/docs/api-reference/debugging-requests), Anthropic
 * (`request-id`, `anthropic-ratelimit-*`, `retry-after`), Azure (`apim-request-id`,
 * `x-ms-*`, `azureml-model-*`), Google (`x-goog-*`), Cloudflare AI Gateway (`cf-aig-*`).
 * `content-encoding` is kept only when the answer was not decoded (an encoding the
 * client must decode itself; lib/gateway/upstream-call.ts removes it otherwise).
 */
const FORWARDED_RESPONSE_HEADERS = new Set(["content-type", "content-encoding", "content-language", "cache-control", "date", "etag", "last-modified", "vary", "retry-after", "retry-after-ms", "x-should-retry", "x-request-id", "request-id", "apim-request-id", "openai-organization", "openai-processing-ms", "openai-version", "openai-model", "openai-project", "server-timing"]);
const FORWARDED_RESPONSE_PREFIXES = /^(x-ratelimit-|ratelimit-|anthropic-|x-goog-|x-ms-|azureml-model-|cf-aig-|x-amzn-)/;

// Answers a browser may show inline; anything else is sent as a download.
const INLINE_TYPES = /^(application\/(json|x-ndjson|octet-stream)|text\/(event-stream|plain)|audio\/|image\/(png|jpeg|gif|webp))/i;

/**
 * The upstream's headers a client may get ({@link FORWARDED_RESPONSE_HEADERS}), real credentials redacted.
 * Answers are served from Gatehouse's own origin, so an upstream must never get to run
 * script there: CSP sandbox, `nosniff`, and a download unless browsers do not execute the type.
 */
function responseHeaders(upstream: Record<string, string | string[] | undefined>, secrets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in upstream) {
    const raw = upstream[name];
    if (raw === undefined || !(FORWARDED_RESPONSE_HEADERS.has(name) || FORWARDED_RESPONSE_PREFIXES.test(name))) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    out[name] = secrets.some((s) => value.includes(s)) ? redactText(value, secrets) : value;
  }
  const type = out["content-type"] ?? "";
  if (type.includes("text/event-stream")) {
    out["cache-control"] = "no-cache, no-transform";
    out["x-accel-buffering"] = "no";
  }
  out["x-content-type-options"] = "nosniff";
  out["content-security-policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'";
  if (type && !INLINE_TYPES.test(type)) out["content-disposition"] = "attachment";
  return out;
}

/**
 * An upstream URL as undici's `Dispatcher.dispatch` takes it: origin and path apart, so no
 * URL is parsed per call. The URL is built from a validated base URL and an already
 * normalised client path; anything outside plain URL characters still goes through the
 * WHATWG parser.
 */
function originAndPath(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  const path = slash === -1 ? "/" : url.slice(slash);
  if (/^https?:\/\/[A-Za-z0-9.\-:[\]]+$/.test(slash === -1 ? url : url.slice(0, slash)) && URL_PATH.test(path)) {
    return { origin: slash === -1 ? url : url.slice(0, slash), path };
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}

const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const NO_QUERY = new URLSearchParams();

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

const SECRETS = new WeakMap<UpstreamProvider, string[]>();

/** The provider's real secrets worth redacting (≥ 8 characters); computed once per cached provider object. */
function secretsOf(provider: UpstreamProvider): string[] {
  let secrets = SECRETS.get(provider);
  if (!secrets) {
    secrets = Object.values(provider.secrets).filter((s): s is string => typeof s === "string" && s.length >= 8);
    SECRETS.set(provider, secrets);
  }
  return secrets;
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? "unknown error";
}

/** Text safe to echo in an error message: control characters shown as `\xNN`. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`).slice(0, 100);
}
