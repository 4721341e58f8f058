import { z } from "zod";
import type { ApiTypeModule, FetchedModel, UpstreamProvider, Usage } from "./types";

/**
 * Request headers that carry a credential for some provider or for Gatehouse itself.
 * No module's allow-list may pass one of these upstream, whatever the type: a client's
 * `api-key` must not reach Azure, its `x-api-key` must not reach Anthropic, and so on.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "cf-aig-authorization",
  "cf-access-jwt-assertion",
  "cf-access-client-id",
  "cf-access-client-secret",
  "ocp-apim-subscription-key",
  "x-amz-security-token",
]);

/** Headers every type passes through: what the body is and what the client accepts. */
const COMMON_HEADERS = ["accept", "content-type", "user-agent", "x-request-id"];

/**
 * Builds a module's `forwardsRequestHeader`: the common headers plus `names`, plus any
 * header starting with one of `prefixes`; never a credential header.
 */
export function allowHeaders(names: readonly string[], prefixes: readonly string[] = []): (name: string) => boolean {
  const allowed = new Set([...COMMON_HEADERS, ...names].filter((n) => !CREDENTIAL_HEADERS.has(n)));
  return (name) => !CREDENTIAL_HEADERS.has(name) && (allowed.has(name) || prefixes.some((p) => name.startsWith(p)));
}

/**
 * Builds a module's `authHeaders` for a key sent in one header, as `<scheme> <key>` or
 * bare; no header when no key is stored (local servers need none).
 */
export function apiKeyHeader(header: string, scheme?: "Bearer"): (provider: UpstreamProvider) => Record<string, string> {
  return (provider) => {
    const key = provider.secrets.apiKey;
    return key ? { [header]: scheme ? `${scheme} ${key}` : key } : {};
  };
}

/** The body hooks of a type that never reads or rewrites the request body. */
export const bodyUntouched = {
  inspectsRequestBody: () => false,
  prepareRequestBody: () => ({ changed: false, usageInjected: false }),
} satisfies Pick<ApiTypeModule, "inspectsRequestBody" | "prepareRequestBody">;

/**
 * Joins a base URL and a client path the way SDKs mean them. A client SDK's base is
 * `…/v1` and it sends `/v1/chat/completions`; a provider documents its base as what
 * stands for that `/v1`, whatever its version is called (`https://api.openai.com/v1`,
 * `https://open.bigmodel.cn/api/paas/v4`, `…/v1beta/openai`, Cloudflare's `…/compat`).
 * So when the base has a path, the client's leading `/v1` is **replaced** by it; a bare
 * origin (`http://vllm:8000`) keeps the client's `/v1`.
 */
export function joinVersionedPath(baseUrl: string, clientPath: string, search: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  let path = clientPath;
  if (basePathOf(base) !== "" && /^\/v1(\/|$)/.test(path)) path = path.slice(3);
  if (path !== "" && !path.startsWith("/")) path = `/${path}`;
  return `${base}${path}${search}`;
}

// A version segment as APIs name them: v1, v4, v1beta, v1alpha, v2beta1.
const VERSION_SEGMENT_END = /\/v\d+(?:[a-z]+\d*)?$/;
const VERSION_SEGMENT_START = /^\/v\d+(?:[a-z]+\d*)?(?=\/|$)/;

/**
 * Joins a base URL and a client path for APIs whose documented base has no version
 * (Anthropic's `https://api.anthropic.com`, Google's `https://generativelanguage.googleapis.com`):
 * the client's path, version included, is appended — unless the base itself ends in a
 * version segment (`…/v1`, `…/v1beta`), which then stands for the client's and replaces
 * it. `https://openrouter.ai/api` + `/v1/messages` → `…/api/v1/messages`;
 * `https://api.anthropic.com/v1` + `/v1/messages` → `…/v1/messages`.
 */
export function joinAfterVersion(baseUrl: string, clientPath: string, search: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  let path = clientPath !== "" && !clientPath.startsWith("/") ? `/${clientPath}` : clientPath;
  if (VERSION_SEGMENT_END.test(basePathOf(base))) path = path.replace(VERSION_SEGMENT_START, "");
  return `${base}${path}${search}`;
}

/** Appends a client path to a base as it is (types whose clients send the full path). */
export function joinPath(baseUrl: string, clientPath: string, search: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const path = clientPath !== "" && !clientPath.startsWith("/") ? `/${clientPath}` : clientPath;
  return `${base}${path}${search}`;
}

/** The path of a base URL without a trailing slash ("" for a bare origin). */
export function basePathOf(baseUrl: string): string {
  const at = baseUrl.indexOf("/", baseUrl.indexOf("//") + 2);
  return at === -1 ? "" : baseUrl.slice(at).replace(/[?#].*$/, "").replace(/\/+$/, "");
}

/**
 * A token count as an upstream reported it, or null for anything that is not a sane
 * count (negative, not finite, ≥ 2^31): nonsense must not break the log row.
 */
export function tokenCount(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v < 2 ** 31 ? Math.round(v) : null;
}

/** Adds counts that may be missing; null only when all are. */
export function sumCounts(...values: (number | null)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
}

/** Parses JSON, or undefined when it is not JSON (usage readers never throw). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The object at `value`, or null. */
export function objectOf(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Sets `into.model` from a string, once (the first model named wins). */
export function noteModel(into: Usage, model: unknown): void {
  if (typeof model === "string" && model !== "" && into.model === null) into.model = model;
}

/** A positive integer from an upstream listing, else undefined. */
export function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 && v < 2 ** 31 ? v : undefined;
}

/** The models of a listing's array: each object entry as `read` makes it, skipped when it gives null. */
export function readModelList(list: unknown, read: (entry: Record<string, unknown>) => FetchedModel | null): FetchedModel[] {
  if (!Array.isArray(list)) return [];
  const out: FetchedModel[] = [];
  for (const item of list) {
    const entry = objectOf(item);
    const model = entry && read(entry);
    if (model) out.push(model);
  }
  return out;
}

/** Model ids from an `{ data: [{ id }] }` listing (OpenAI, Anthropic, Azure v1). */
export function readDataListing(body: unknown, extra?: (entry: Record<string, unknown>) => Partial<FetchedModel>): FetchedModel[] {
  return readModelList(objectOf(body)?.data, (entry) => (typeof entry.id === "string" && entry.id !== "" ? { id: entry.id, ...extra?.(entry) } : null));
}

/** An optional secret input: blank means "not given" (on edit: keep the stored one). */
export function secretField(label: string) {
  return z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z
      .string({ error: `${label} must be text` })
      .trim()
      .max(4096, `${label} is too long`)
      .regex(/^[\x21-\x7e]+$/, `${label} may only hold printable ASCII without spaces (it is sent in an HTTP header)`)
      .optional(),
  );
}
