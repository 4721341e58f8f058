import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { getApiType, type FetchedModel, type ProbeRequest, type UpstreamProvider } from "./api-types";
import { isMetadataOrLinkLocal } from "./addresses";
import { objectOf, parseJson } from "./api-types/shared";

/**
 * The Test button and Fetch models: one request, through the same upstream URL and
 * credentials the gateway uses, to see whether a provider answers.
 *
 * Safety: connections go through a resolver that refuses link-local and cloud-metadata
 * addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) **after** DNS resolution, at the
 * moment of connecting — a name that resolves there is refused whatever the base URL says,
 * with no window between check and connect. Loopback and private addresses stay allowed
 * (Ollama on the same host). Redirects are not followed.
 */

/** What the Test button shows. `status` is the upstream's HTTP status, null when none came. */
export interface ProbeResult {
  ok: boolean;
  status: number | null;
  /** From sending the request to the end of the answer, ms. */
  latencyMs: number;
  /** Models the upstream listed (empty when the probe is not a listing). */
  models: FetchedModel[];
  /** One line: what happened, with the upstream's own error text when it failed. */
  message: string;
}

/** The whole probe's limit, ms (connect, send, and read the answer). */
export const PROBE_TIMEOUT_MS = 10_000;
// Model listings run to a few hundred KB (OpenRouter, Gemini); more is not a listing.
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const MAX_MESSAGE_CHARS = 500;

class RefusedAddress extends Error {
  constructor(readonly address: string) {
    super(`refused to connect to ${address}: link-local and cloud-metadata addresses are never providers`);
  }
}

/** Resolves a host name to every address it has (`dns.lookup` with `all: true`; tests pass their own). */
export type Resolver = (hostname: string) => Promise<dns.LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });

/** A `lookup` for `http.request` that fails when any address of the name is link-local or metadata. */
function guardedLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (list) => {
        const bad = list.find((a) => isMetadataOrLinkLocal(a.address));
        if (bad) return callback(new RefusedAddress(bad.address) as NodeJS.ErrnoException, "", 0);
        const usable = options.family === 4 || options.family === 6 ? list.filter((a) => a.family === options.family) : list;
        if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
        const first = usable[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

interface RawAnswer {
  status: number;
  body: string;
}

function send(url: URL, init: { method: string; headers: Record<string, string>; body?: string }, signal: AbortSignal, resolver: Resolver): Promise<RawAnswer> {
  // An IP literal is connected to without a lookup: check it here.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isMetadataOrLinkLocal(host)) return Promise.reject(new RefusedAddress(host));
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: init.method, headers: init.headers, lookup: guardedLookup(resolver), signal, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** The upstream's own words from an error body: `error.message` (OpenAI, Anthropic, Google), `error` (Ollama), Cloudflare's `[{ message }]`. */
export function upstreamErrorText(body: string): string {
  const parsed = objectOf(parseJson(body));
  if (parsed) {
    const error = parsed.error;
    if (typeof error === "string" && error !== "") return error;
    const inner = objectOf(error) ?? (Array.isArray(error) ? objectOf(error[0]) : null) ?? (Array.isArray(parsed.errors) ? objectOf(parsed.errors[0]) : null);
    if (inner && typeof inner.message === "string" && inner.message !== "") return inner.message;
    if (typeof parsed.message === "string" && parsed.message !== "") return parsed.message;
  }
  return body.replace(/\s+/g, " ").trim();
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

function redact(text: string, provider: UpstreamProvider): string {
  let out = text;
  for (const s of Object.values(provider.secrets)) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

function describeError(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (err instanceof RefusedAddress) return err.message;
  if (signal.aborted) return `no answer within ${timeoutMs / 1000} s`;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused: nothing listens at that address";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (code && /CERT|SSL|TLS/.test(code)) return `TLS failed (${code}): the certificate is not valid for this host`;
  return code ? `could not connect (${code})` : (e?.message ?? "could not connect");
}

/**
 * Sends a provider's Test probe (`kind: "probe"`) or its model listing (`"list"`) and
 * reports the outcome. Never throws for upstream trouble; the message never holds a
 * stored secret (redacted should an upstream echo one).
 * @param options.timeoutMs overall limit, default {@link PROBE_TIMEOUT_MS}
 * @param options.resolve the resolver (tests), default the system's
 */
export async function probeUpstream(
  provider: UpstreamProvider,
  kind: "probe" | "list" = "probe",
  { timeoutMs = PROBE_TIMEOUT_MS, resolve = systemResolver }: { timeoutMs?: number; resolve?: Resolver } = {},
): Promise<ProbeResult> {
  const spec = getApiType(provider.apiType);
  const request: ProbeRequest | undefined = kind === "list" ? spec.listModels?.(provider) : spec.probe(provider);
  if (!request) return { ok: false, status: null, latencyMs: 0, models: [], message: `${spec.label} has no model listing: type the model ids` };

  let url: URL;
  try {
    url = new URL(spec.upstreamUrl(provider, request.clientPath, request.search ?? ""));
  } catch (err) {
    return { ok: false, status: null, latencyMs: 0, models: [], message: clip((err as Error).message) };
  }
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "Gatehouse provider test", ...request.headers, ...spec.authHeaders(provider) };
  let body: string | undefined;
  if (request.method === "POST") {
    body = JSON.stringify(request.body ?? {});
    headers["content-type"] = "application/json";
  }

  const signal = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  let answer: RawAnswer;
  try {
    answer = await send(url, { method: request.method, headers, body }, signal, resolve);
  } catch (err) {
    return { ok: false, status: null, latencyMs: Math.round(performance.now() - started), models: [], message: redact(clip(describeError(err, signal, timeoutMs)), provider) };
  }
  const latencyMs = Math.round(performance.now() - started);

  if (answer.status >= 200 && answer.status < 300) {
    const models = request.readModels ? request.readModels(parseJson(answer.body)) : [];
    const listed = request.readModels ? `; ${models.length} model${models.length === 1 ? "" : "s"} listed` : "";
    return { ok: true, status: answer.status, latencyMs, models, message: `${spec.label} answered ${answer.status} in ${latencyMs} ms${listed}` };
  }
  if (answer.status < 400) {
    return { ok: false, status: answer.status, latencyMs, models: [], message: `Upstream answered ${answer.status} (a redirect, not followed): check the base URL` };
  }
  const explained = spec.explainUpstreamError?.(answer.status, answer.body.slice(0, 8192)) ?? null;
  const text = upstreamErrorText(explained ?? answer.body) || "(empty answer)";
  return { ok: false, status: answer.status, latencyMs, models: [], message: redact(clip(`Upstream answered ${answer.status}: ${text}`), provider) };
}
