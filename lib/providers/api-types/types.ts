import type { z } from "zod";
import type { ProviderModel } from "@/lib/db/schema";

/**
 * What an API type is, in one object: the provider form's fields, how its base URL is
 * assembled and read back, and everything the gateway needs on the wire (upstream URL,
 * forwarded and auth headers, request-body hook, usage readers, error body, probe).
 * One module per type in this folder, all in one registry (`index.ts`): the shape of
 * Portkey's `src/providers/<name>/` adapters. Modules are pure: no database, no config,
 * no `next/*`; what they need from outside comes in as arguments.
 */

/** Names of the secrets a provider may hold. Each type says which of them it uses. */
export type SecretName = "apiKey" | "gatewayToken";

/**
 * A provider with its credentials opened, as the gateway and the Test probe use it.
 * Never serialise it, never log it.
 */
export interface UpstreamProvider {
  id: string;
  /** URL slug: `/gateway/<key>/…` */
  key: string;
  apiType: string;
  /** As stored: no trailing slash. */
  baseUrl: string;
  /** Opened secrets by name; a secret that is not stored is absent. */
  secrets: Readonly<Partial<Record<SecretName, string>>>;
  /** Type-specific, non-secret settings (e.g. Cloudflare's auth mode, Azure's api-version). */
  settings: Readonly<Record<string, string>>;
  models: ProviderModel[];
}

/**
 * Token counts read from one upstream answer. Conventions, the same for every type:
 * - `promptTokens` is **every** input token: uncached, read from the prompt cache, and
 *   written to it (Anthropic reports those three apart; they are added up here);
 * - `completionTokens` is every output token, **reasoning included** (Gemini reports
 *   thinking tokens apart; they are added here);
 * - `cachedTokens`, `cacheWriteTokens` and `reasoningTokens` are the parts of those
 *   totals that a price list may treat differently.
 * `null` = the upstream did not say.
 */
export interface Usage {
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Input tokens read from the prompt cache (part of `promptTokens`). */
  cachedTokens: number | null;
  /** Input tokens written to the prompt cache (part of `promptTokens`). */
  cacheWriteTokens: number | null;
  /** Output tokens spent on reasoning (part of `completionTokens`). */
  reasoningTokens: number | null;
}

/** A fresh {@link Usage} with nothing known. */
export function emptyUsage(): Usage {
  return { model: null, promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null, reasoningTokens: null };
}

/**
 * A call the gateway must refuse before it goes upstream (bad path for this type, a model
 * id in the wrong form…). The core answers `status` with `errorBody(status, message, code)`.
 */
export class UpstreamRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "UpstreamRefusal";
  }
}

/** The request the gateway is about to send upstream, as the body hook sees it. */
export interface RequestContext {
  provider: UpstreamProvider;
  method: string;
  /** Path after `/gateway/<key>`, percent-encoded, starting with `/` (or empty). */
  clientPath: string;
}

/** What {@link ApiTypeModule.prepareRequestBody} did to the body. */
export interface BodyRewrite {
  /** The body was changed in place: send it re-serialised (else send the client's bytes). */
  changed: boolean;
  /**
   * Set when the only change is these new top-level members, absent from the client's
   * body: the gateway adds them to the client's bytes instead of re-serialising the body
   * (the rest of the client's JSON goes upstream byte for byte, and a large prompt is not
   * stringified again).
   */
  added?: Readonly<Record<string, unknown>>;
  /**
   * Usage reporting was switched on although the client did not ask for it
   * (`stream_options.include_usage`): the gateway must withhold the events for which
   * {@link ApiTypeModule.isUsageOnlyEvent} is true, so the client gets the stream it asked for.
   */
  usageInjected: boolean;
}

/** One model as an upstream's own listing describes it (Fetch models). */
export interface FetchedModel {
  id: string;
  displayName?: string;
  contextWindow?: number;
  maxTokens?: number;
}

/** A request the Test probe (or Fetch models) sends through the same URL and headers as the gateway. */
export interface ProbeRequest {
  method: "GET" | "POST";
  /** A client path, as a client of this type would send it (`/v1/models`). */
  clientPath: string;
  search?: string;
  /** JSON body for POST. */
  body?: unknown;
  /** Extra request headers the API requires besides the credentials (Anthropic's `anthropic-version`). */
  headers?: Readonly<Record<string, string>>;
  /** Reads the model list out of a 2xx answer; absent when the probe is not a listing. */
  readModels?: (body: unknown) => FetchedModel[];
}

/** One input of the provider form, as the client form renders it. Serialisable. */
export interface FormField {
  name: string;
  label: string;
  kind: "text" | "url" | "secret" | "select";
  required?: boolean;
  placeholder?: string;
  /** One line under the input. */
  hint?: string;
  options?: { value: string; label: string; hint?: string }[];
  /** Show only when another field has one of these values (e.g. Cloudflare's auth mode). */
  showWhen?: { field: string; values: string[] };
  /** Shorter grid: two `half` fields share a row. */
  half?: boolean;
}

/** What a type's non-secret form fields turn into in the database. */
export interface StoredShape {
  baseUrl: string;
  settings: Record<string, string>;
}

/** Facts a module needs to store a provider, passed in (modules never read config or the database). */
export interface BuildContext {
  /** `CF_AI_GATEWAY_ORIGIN`, no trailing slash. */
  cfAiGatewayOrigin: string;
  /** Whether the provider will hold this secret (typed now, or stored before). */
  hasSecret(name: SecretName): boolean;
}

/**
 * One upstream API type. Everything Gatehouse knows about a type lives in its module; the
 * provider schemas, queries, the form, the list page and the gateway core read it from here.
 */
export interface ApiTypeModule {
  /** Stored in `providers.api_type`. */
  id: string;
  /** Short name for lists (`Anthropic Messages`). */
  label: string;
  /** One line for the form: what this type is for. */
  help: string;
  /** The doc page the wire facts of this module follow. */
  docs: string;

  // ——— Provider fields ————————————————————————————————————————————————

  /**
   * zod object of this type's own fields on create (besides key, name and models),
   * secrets included as optional strings. Update accepts `.partial()` of it; the merged
   * result is parsed with this schema again, so create and update cannot drift apart.
   */
  fields: z.ZodObject;
  /** Which of `fields` are secrets: stored sealed, never sent back, blank = keep. */
  secretFields: readonly SecretName[];
  /** The form's inputs for this type, in order. */
  form: readonly FormField[];
  /** Template of the endpoint preview shown under the form, `{field}` replaced live (Cloudflare). */
  preview?: string;
  /** Non-secret fields → what is stored. Input has passed `fields`. */
  toStored(values: Record<string, unknown>, ctx: BuildContext): StoredShape;
  /** What is stored → the non-secret form fields (Cloudflare: Account ID and Gateway back out of the URL). */
  fromStored(stored: StoredShape): Record<string, string>;
  /**
   * Which secrets these settings use (Cloudflare: no provider key with Unified Billing);
   * a stored secret not in use is erased on save. Absent = all of `secretFields`.
   */
  secretsInUse?(stored: StoredShape): SecretName[];
  /**
   * Rules across settings and secrets (Cloudflare: Unified Billing needs a token);
   * `hasSecret` says whether a secret will be stored after the write. Field name → message.
   */
  checkSecrets?(stored: StoredShape, hasSecret: (name: SecretName) => boolean): Partial<Record<string, string>> | null;
  /**
   * A model id as saved: normalised (Cloudflare: `@cf/…` → `workers-ai/@cf/…`), or a
   * message saying why it cannot be used with this type.
   */
  normaliseModelId?(id: string): { id: string } | { error: string };

  // ——— The wire ————————————————————————————————————————————————————

  /**
   * The upstream URL for a client's path and query (`?…` or "", the virtual key already
   * removed). @throws {UpstreamRefusal} when this type cannot serve the path.
   */
  upstreamUrl(provider: UpstreamProvider, clientPath: string, search: string): string;
  /**
   * Whether a client request header (lower-case name) is passed upstream: an allow-list.
   * Never true for a credential header of any provider ({@link CREDENTIAL_HEADERS}).
   * Framing headers (content-length, transfer-encoding, accept-encoding) are the core's.
   */
  forwardsRequestHeader(name: string): boolean;
  /** The provider's credentials as this type's upstream wants them. */
  authHeaders(provider: UpstreamProvider): Readonly<Record<string, string>>;
  /**
   * Whether {@link prepareRequestBody} wants to see this request's JSON body; when false
   * the core need not parse it.
   */
  inspectsRequestBody(method: string, clientPath: string): boolean;
  /**
   * Inspects and rewrites a parsed JSON request body in place before it goes upstream.
   * @throws {UpstreamRefusal} when the body cannot go upstream (e.g. a model id in the wrong form).
   */
  prepareRequestBody(body: Record<string, unknown>, ctx: RequestContext): BodyRewrite;

  /** Top-level keys of a JSON answer {@link readJsonUsage} reads (a core that cannot keep a huge body may keep just these). */
  jsonUsageKeys: readonly string[];
  /** Reads usage from a parsed JSON answer, merging into `into`. */
  readJsonUsage(body: unknown, into: Usage): void;
  /** Reads usage from one SSE event (`event` undefined when the event had no `event:` line). */
  readSseUsage(event: string | undefined, data: string, into: Usage): void;
  /** Reads usage from one NDJSON line (Ollama's native streams). */
  readNdjsonUsage(line: string, into: Usage): void;
  /** True for the usage-only event that usage injection added (see {@link BodyRewrite.usageInjected}). */
  isUsageOnlyEvent(event: string | undefined, data: string): boolean;

  /**
   * An error body in the shape this type's SDK parses, for errors the gateway itself
   * answers. `clientPath` lets a type that serves two APIs (Ollama) answer each in its own.
   */
  errorBody(status: number, message: string, code: string, clientPath?: string): unknown;
  /**
   * Rewrites an upstream error body (status ≥ 400, at most a few KB) to add what the
   * admin or client should change, or null to pass it unchanged (Cloudflare's own codes).
   */
  explainUpstreamError?(status: number, body: string): string | null;

  // ——— Test and Fetch models ———————————————————————————————————————

  /** The Test button's request: cheap, authenticated, read-only where the API allows. */
  probe(provider: UpstreamProvider): ProbeRequest;
  /** The upstream's own model listing, when the type has one. */
  listModels?(provider: UpstreamProvider): ProbeRequest & { readModels: (body: unknown) => FetchedModel[] };
}
