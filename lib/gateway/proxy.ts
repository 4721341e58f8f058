import { getActiveKeyBySecret, touchKeyUsed, type GatewayKey } from "@/lib/keys/queries";
import { getUpstreamProvider, type UpstreamProvider } from "@/lib/providers/queries";
import { recordRequest } from "@/lib/usage/queries";
import { admitCall, recordCallUsage, type Refusal } from "@/lib/limits/admission";
import { logUnexpected } from "@/lib/http/api";
import { CREDENTIAL_HEADERS, getApiType, UpstreamRefusal, type ApiTypeModule, type Usage } from "@/lib/providers/api-types";
import { openAIErrorBody } from "@/lib/providers/api-types/openai-shared";
import { redactText, StreamRedactor } from "./redaction";
import { observeStream, UsageMeter } from "./usage-meter";

/**
 * The LLM gateway: `/gateway/<provider-key>/<path>`.
 *
 * 1. The virtual key may arrive as `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`
 *    or `?key=`; it is checked (one indexed lookup by SHA-256) and then every incoming
 *    credential is dropped.
 * 2. The provider's real credential is set the way its API type wants, the path is
 *    rewritten for its base URL, and body and answer stream through unbuffered.
 * 3. Usage is read as the answer passes; one `request_logs` row is written after the
 *    answer ends, off the response path.
 */
export async function proxyGatewayRequest(req: Request, providerKey: string): Promise<Response> {
  const started = performance.now();
  const url = new URL(req.url);
  const clientPath = clientPathOf(url.pathname);
  const secret = virtualKeyOf(req.headers, url.searchParams);

  if (!secret) {
    return errorResponse(401, "Missing virtual key: send it as `Authorization: Bearer sk-gh-…` (or x-api-key)", "missing_api_key");
  }
  if (clientPath === null) {
    return errorResponse(400, "Invalid path: '.' and '..' segments, backslashes and encoded slashes are not allowed", "invalid_path");
  }

  const [key, provider] = await Promise.all([getActiveKeyBySecret({ secret }), getUpstreamProvider({ key: providerKey })]);
  if (!key) return errorResponse(401, "Invalid virtual key: it is unknown, revoked or expired", "invalid_api_key");
  if (!provider) return errorResponse(404, `No provider with key "${providerKey}"`, "provider_not_found");
  if (key.allowedProviders.length > 0 && !key.allowedProviders.includes(provider.key)) {
    return errorResponse(403, `This virtual key may not use provider "${provider.key}"`, "provider_not_allowed");
  }

  const adapter = getApiType(provider.apiType);
  // Budgets and rate limits (lib/limits): refused before anything goes upstream.
  const refusal = await admitCall({ keyId: key.id, userId: key.userId });
  if (refusal) {
    writeLog({ key, provider, req, clientPath, status: 429, latencyMs: Math.round(performance.now() - started), stream: false, usage: null, excerpt: refusal.message, refusal });
    return limitResponse(refusal, adapter);
  }
  const search = searchWithoutKey(url.searchParams, secret);
  let upstreamUrl: string;
  try {
    upstreamUrl = adapter.upstreamUrl(provider, clientPath, search);
  } catch (err) {
    if (err instanceof UpstreamRefusal) return errorResponse(err.status, err.message, err.code, adapter);
    throw err;
  }
  const headers = forwardedRequestHeaders(req.headers, secret);
  for (const [name, value] of Object.entries(adapter.authHeaders(provider))) headers.set(name, value);
  const realSecrets = secretsOf(provider);

  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.body !== null;
  let upstream: Response;
  try {
    upstream = await fetch(upstreamUrl, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      // @ts-expect-error Node's fetch needs duplex for a streamed request body; the DOM type lacks it.
      duplex: "half",
      redirect: "manual",
      signal: req.signal,
    });
  } catch (err) {
    const aborted = req.signal.aborted;
    const latencyMs = Math.round(performance.now() - started);
    const message = aborted ? "client closed the request" : `upstream unreachable: ${describeFetchError(err)}`;
    writeLog({ key, provider, req, clientPath, status: aborted ? 499 : 502, latencyMs, stream: false, usage: null, excerpt: message });
    return errorResponse(502, `Provider "${provider.key}" could not be reached (${describeFetchError(err)})`, "upstream_unreachable", adapter);
  }

  const meter = new UsageMeter(upstream.headers.get("content-type"), upstream.status, adapter);
  const finish = (outcome: "complete" | "error" | "cancelled") => {
    const { usage, excerpt } = meter.finish();
    const status = outcome === "cancelled" ? 499 : upstream.status;
    const note = outcome === "complete" ? excerpt : `${outcome === "cancelled" ? "client disconnected" : "upstream stream failed"} mid-answer`;
    writeLog({ key, provider, req, clientPath, status, latencyMs: Math.round(performance.now() - started), stream: meter.isStream, usage, excerpt: note });
  };
  const redactor = new StreamRedactor(realSecrets, upstream.status >= 400);
  const body = upstream.body ? observeStream(upstream.body, (chunk) => meter.push(chunk), finish, redactor.active ? redactor : undefined) : null;
  if (!body) finish("complete");
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers: returnedResponseHeaders(upstream.headers, realSecrets) });
}

/**
 * The part of the path after `/gateway/<key>`, still percent-encoded; null when it could
 * climb out of the provider's base path once an upstream normalises it: dot segments
 * (also encoded), backslashes, encoded slashes or backslashes.
 */
function clientPathOf(pathname: string): string | null {
  const afterGateway = pathname.replace(/^\/gateway\/[^/]*/, "");
  if (/\\|%2f|%5c/i.test(afterGateway)) return null;
  if (afterGateway.split("/").some((s) => /^(\.|%2e){1,2}$/i.test(s))) return null;
  return afterGateway;
}

function virtualKeyOf(headers: Headers, query: URLSearchParams): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1]!;
  }
  return headers.get("x-api-key")?.trim() || headers.get("x-goog-api-key")?.trim() || query.get("key")?.trim() || null;
}

/** The query without `key` and without any parameter carrying the virtual key. */
function searchWithoutKey(params: URLSearchParams, secret: string): string {
  const copy = new URLSearchParams();
  for (const [name, value] of params) {
    if (name !== "key" && !value.includes(secret)) copy.append(name, value);
  }
  return copy.size > 0 ? `?${copy}` : "";
}

// Credentials of any provider's kind, hop-by-hop headers, and what describes the client's
// connection to us rather than ours to the upstream.
const DROPPED_REQUEST_HEADERS = new Set([
  ...CREDENTIAL_HEADERS,
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "content-length",
  "accept-encoding",
  "origin",
  "referer",
  "forwarded",
  "x-real-ip",
]);

/**
 * What the upstream gets of the client's headers: not credentials, not hop-by-hop or
 * proxy headers, not Cloudflare's own (`cf-aig-*` options such as cache TTL and metadata
 * pass, except `cf-aig-authorization`), and nothing that carries the virtual key.
 */
function forwardedRequestHeaders(incoming: Headers, secret: string): Headers {
  const out = new Headers();
  const connectionListed = new Set((incoming.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()));
  for (const [name, value] of incoming) {
    if (DROPPED_REQUEST_HEADERS.has(name) || connectionListed.has(name) || value.includes(secret)) continue;
    if (name.startsWith("x-forwarded-") || name.startsWith("x-middleware") || name.startsWith("next-") || name.startsWith("x-nextjs")) continue;
    if (name.startsWith("cf-") && !name.startsWith("cf-aig-")) continue;
    out.set(name, value);
  }
  // Ask for identity so the answer streams through as sent, with no decode/re-encode.
  out.set("accept-encoding", "identity");
  return out;
}

const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "set-cookie", "trailer", "upgrade"]);

// Answers a browser may show inline; anything else is sent as a download.
const INLINE_TYPES = /^(application\/(json|x-ndjson|octet-stream)|text\/(event-stream|plain)|audio\/|image\/(png|jpeg|gif|webp))/i;

/**
 * The upstream's headers, minus hop-by-hop ones and cookies, with real credentials
 * redacted. Gateway answers are served from Gatehouse's own origin, so an upstream must
 * never get to run script there: every answer is sandboxed by CSP, `nosniff`, and sent as
 * an attachment unless it is a type browsers do not execute.
 */
function returnedResponseHeaders(upstream: Headers, secrets: string[]): Headers {
  const out = new Headers();
  for (const [name, value] of upstream) {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) out.set(name, redactText(value, secrets));
  }
  const type = out.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    out.set("cache-control", "no-cache, no-transform");
    out.set("x-accel-buffering", "no");
  }
  out.set("x-content-type-options", "nosniff");
  out.set("content-security-policy", "sandbox; default-src 'none'; frame-ancestors 'none'");
  if (type && !INLINE_TYPES.test(type)) out.set("content-disposition", "attachment");
  return out;
}

function errorResponse(status: number, message: string, code: string, adapter?: ApiTypeModule): Response {
  const body = adapter ? adapter.errorBody(status, message, code) : openAIErrorBody(status, message, code);
  return Response.json(body, { status });
}

/**
 * A refusal by a budget or rate limit: 429 with `retry-after` (seconds), in the API type's
 * error shape, so SDKs raise their rate-limit error (openai: `RateLimitError`) and may retry
 * after that many seconds.
 */
function limitResponse(refusal: Refusal, adapter: ApiTypeModule): Response {
  const res = errorResponse(429, refusal.message, "rate_limit_exceeded", adapter);
  res.headers.set("retry-after", String(refusal.retryAfterSeconds));
  res.headers.set("x-gatehouse-limit", refusal.limit);
  return res;
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? "unknown error";
}

function costOf(provider: UpstreamProvider, usage: Usage | null): number | null {
  if (!usage?.model || usage.promptTokens === null) return null;
  const model = provider.models.find((m) => m.id === usage.model || usage.model!.startsWith(`${m.id}-`));
  if (!model || model.inputCostPerMTok === undefined) return null;
  return (usage.promptTokens * model.inputCostPerMTok + (usage.completionTokens ?? 0) * (model.outputCostPerMTok ?? 0)) / 1_000_000;
}

function secretsOf(provider: UpstreamProvider): string[] {
  return Object.values(provider.secrets).filter((s): s is string => Boolean(s));
}

function redact(text: string | null, provider: UpstreamProvider): string | null {
  if (!text) return text;
  return redactText(text, secretsOf(provider));
}

function writeLog(entry: {
  key: GatewayKey;
  provider: UpstreamProvider;
  req: Request;
  clientPath: string;
  status: number;
  latencyMs: number;
  stream: boolean;
  usage: Usage | null;
  excerpt: string | null;
  refusal?: Refusal;
}): void {
  const { key, provider, usage, refusal } = entry;
  const costUsd = costOf(provider, usage);
  void recordRequest({
    virtualKeyId: key.id,
    userId: key.userId,
    providerId: provider.id,
    providerKey: provider.key,
    method: entry.req.method,
    path: entry.clientPath,
    model: usage?.model ?? null,
    stream: entry.stream,
    status: entry.status,
    promptTokens: usage?.promptTokens ?? null,
    completionTokens: usage?.completionTokens ?? null,
    cachedTokens: usage?.cachedTokens ?? null,
    costUsd,
    latencyMs: entry.latencyMs,
    errorExcerpt: redact(entry.excerpt, provider),
    ...(refusal ? { outcome: "limited", errorCode: "rate_limit_exceeded", limitRefused: refusal.limit } : {}),
  })
    .then(() =>
      refusal
        ? undefined
        : recordCallUsage({ keyId: key.id, userId: key.userId, tokens: usage ? (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0) : null, costUsd }),
    )
    .then(() => touchKeyUsed({ id: key.id }))
    .catch(logUnexpected);
}
