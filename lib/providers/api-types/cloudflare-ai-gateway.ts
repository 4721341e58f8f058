import { z } from "zod";
import { injectStreamUsage, openAIErrorBody, openAIWire } from "./openai-shared";
import { allowHeaders, joinVersionedPath, objectOf, parseJson, secretField } from "./shared";
import { UpstreamRefusal, type ApiTypeModule, type UpstreamProvider } from "./types";

/**
 * Cloudflare AI Gateway's OpenAI-compatible Unified API:
 * `https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}/compat`
 * (https://developers.cloudflare.com/ai-gateway/usage/chat-completion/). The base stands
 * for the client's `/v1`. Model ids are `provider/model` (`openai/gpt-4o-mini`,
 * `workers-ai/@cf/meta/llama-3.1-8b-instruct`).
 *
 * Three ways to authenticate (https://developers.cloudflare.com/ai-gateway/configuration/authentication/):
 * - **Unified Billing** — Cloudflare pays the provider and bills you; only a Cloudflare
 *   API token with AI Gateway Run permission, as `cf-aig-authorization: Bearer …`
 *   (https://developers.cloudflare.com/ai-gateway/features/unified-billing/);
 * - **Stored keys (BYOK)** — provider keys live in Cloudflare; only the token, as above
 *   (https://developers.cloudflare.com/ai-gateway/configuration/bring-your-own-keys/);
 * - **Provider key in the request** — the upstream provider's key as
 *   `Authorization: Bearer …`, plus the token for an authenticated gateway.
 */

export const AUTH_MODES = ["unified-billing", "stored-keys", "request-key"] as const;
export type CloudflareAuthMode = (typeof AUTH_MODES)[number];

/** Cloudflare account ids are 32 hexadecimal characters. */
export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/i;
/** Gateway ids are slugs: letters, digits, `-` and `_`, up to 64 characters. */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Assembles the compat base URL. `origin` is `CF_AI_GATEWAY_ORIGIN` (default `https://gateway.ai.cloudflare.com`). */
export function buildCompatBaseUrl(origin: string, accountId: string, gatewayId: string): string {
  return `${origin.replace(/\/+$/, "")}/v1/${accountId.toLowerCase()}/${gatewayId}/compat`;
}

/** Reads Account ID and Gateway back out of a compat base URL (any origin); null if it is not one. */
export function parseCompatBaseUrl(baseUrl: string): { accountId: string; gatewayId: string } | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null;
  }
  const match = /^\/v1\/([^/]+)\/([^/]+)\/compat\/?$/.exec(url.pathname);
  if (!match || !ACCOUNT_ID_PATTERN.test(match[1]!) || !GATEWAY_ID_PATTERN.test(match[2]!)) return null;
  return { accountId: match[1]!.toLowerCase(), gatewayId: match[2]! };
}

/** The auth mode a provider uses; rows saved before modes existed are read from their secrets. */
export function authModeOf(settings: Readonly<Record<string, string>>, hasApiKey: boolean): CloudflareAuthMode {
  const mode = settings.authMode as CloudflareAuthMode | undefined;
  if (mode && (AUTH_MODES as readonly string[]).includes(mode)) return mode;
  return hasApiKey ? "request-key" : "unified-billing";
}

const MODEL_FORM = "Cloudflare AI Gateway names models provider/model, e.g. openai/gpt-4o-mini or workers-ai/@cf/meta/llama-3.1-8b-instruct";

/**
 * A model id as Cloudflare's Unified API wants it: `@cf/…` (a Workers AI id) becomes
 * `workers-ai/@cf/…`; an id without a provider part is refused.
 */
export function normaliseCloudflareModel(id: string): { id: string } | { error: string } {
  if (id.startsWith("@cf/")) return { id: `workers-ai/${id}` };
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) return { error: `"${id}" has no provider part: ${MODEL_FORM}` };
  return { id };
}

/** What to change, by Cloudflare AI Gateway error code (seen in its `{ error: [{ code, message }] }` bodies). */
const CLOUDFLARE_ADVICE: Record<number, string> = {
  2005: "Cloudflare got no answer from the provider: check the model id (provider/model) and, with a provider key in the request, that the key belongs to that provider.",
  2008: "The part of the model id before the first / is not a provider Cloudflare knows: use ids like openai/gpt-4o-mini or workers-ai/@cf/meta/llama-3.1-8b-instruct.",
  2009: "The gateway requires authentication: store a Cloudflare API token with AI Gateway Run permission on this provider in Gatehouse (it is sent as cf-aig-authorization).",
};

function tokenHeaders(provider: UpstreamProvider): Record<string, string> {
  const out: Record<string, string> = {};
  const mode = authModeOf(provider.settings, provider.secrets.apiKey !== undefined);
  if (mode === "request-key" && provider.secrets.apiKey) out.authorization = `Bearer ${provider.secrets.apiKey}`;
  if (provider.secrets.gatewayToken) out["cf-aig-authorization"] = `Bearer ${provider.secrets.gatewayToken}`;
  return out;
}

export const cloudflareAiGateway = {
  id: "cloudflare-ai-gateway",
  label: "Cloudflare AI Gateway",
  help: "Cloudflare AI Gateway's OpenAI-compatible endpoint, in front of any provider it supports. Model ids are provider/model.",
  docs: "https://developers.cloudflare.com/ai-gateway/usage/chat-completion/",

  fields: z.object({
    authMode: z.enum(AUTH_MODES, { error: "Choose how the gateway authenticates: unified-billing, stored-keys or request-key" }).optional(),
    accountId: z
      .string({ error: "Enter the Account ID" })
      .trim()
      .regex(ACCOUNT_ID_PATTERN, "Account ID is 32 hexadecimal characters (Cloudflare dashboard → Account home → Account ID)"),
    gatewayId: z
      .string({ error: "Enter the Gateway name" })
      .trim()
      .regex(GATEWAY_ID_PATTERN, "Gateway is the gateway's id: letters, digits, - and _ (AI → AI Gateway in the dashboard)"),
    gatewayToken: secretField("Cloudflare API token"),
    apiKey: secretField("Provider API key"),
  }),
  secretFields: ["gatewayToken", "apiKey"],
  form: [
    {
      name: "authMode",
      label: "Authentication",
      kind: "select",
      required: true,
      options: [
        { value: "unified-billing", label: "Unified Billing", hint: "Cloudflare pays the provider and bills you: only a Cloudflare token with AI Gateway Run permission." },
        { value: "stored-keys", label: "Stored keys (BYOK)", hint: "Your provider keys are stored in Cloudflare: only a Cloudflare token." },
        { value: "request-key", label: "Provider key in the request", hint: "Gatehouse sends the provider's key; add a token if the gateway is authenticated." },
      ],
    },
    { name: "accountId", label: "Account ID", kind: "text", required: true, half: true, placeholder: "0123456789abcdef0123456789abcdef", hint: "32 hexadecimal characters." },
    { name: "gatewayId", label: "Gateway", kind: "text", required: true, half: true, placeholder: "my-gateway", hint: "The gateway's name (its id)." },
    {
      name: "gatewayToken",
      label: "Cloudflare API token",
      kind: "secret",
      placeholder: "Cloudflare API token",
      hint: "Needs AI Gateway Run permission; sent as cf-aig-authorization. Optional with a provider key on an unauthenticated gateway.",
    },
    {
      name: "apiKey",
      label: "Provider API key",
      kind: "secret",
      placeholder: "sk-…",
      hint: "The upstream provider's key, sent as Authorization: Bearer.",
      showWhen: { field: "authMode", values: ["request-key"] },
    },
  ],
  preview: "{origin}/v1/{accountId}/{gatewayId}/compat",
  toStored: (values, ctx) => ({
    baseUrl: buildCompatBaseUrl(ctx.cfAiGatewayOrigin, values.accountId as string, values.gatewayId as string),
    settings: { authMode: authModeOf({ authMode: (values.authMode as string | undefined) ?? "" }, ctx.hasSecret("apiKey")) },
  }),
  fromStored: (stored) => {
    const parsed = parseCompatBaseUrl(stored.baseUrl);
    return { accountId: parsed?.accountId ?? "", gatewayId: parsed?.gatewayId ?? "", ...(stored.settings.authMode ? { authMode: stored.settings.authMode } : {}) };
  },
  secretsInUse: (stored) => (authModeOf(stored.settings, false) === "request-key" ? ["apiKey", "gatewayToken"] : ["gatewayToken"]),
  checkSecrets: (stored, hasSecret) => {
    const mode = authModeOf(stored.settings, hasSecret("apiKey"));
    if (mode === "request-key" && !hasSecret("apiKey")) return { apiKey: "Enter the provider's API key, or choose Unified Billing or stored keys" };
    if (mode !== "request-key" && !hasSecret("gatewayToken")) {
      return { gatewayToken: `${mode === "unified-billing" ? "Unified Billing" : "Stored keys"} need a Cloudflare API token with AI Gateway Run permission` };
    }
    return null;
  },
  normaliseModelId: normaliseCloudflareModel,

  upstreamUrl: (provider, clientPath, search) => joinVersionedPath(provider.baseUrl, clientPath, search),
  // `cf-aig-*` request options (cache TTL, skip-cache, metadata, event id…) pass; the
  // client's own `cf-aig-authorization` never does (it is a credential header).
  forwardsRequestHeader: allowHeaders(["openai-organization", "openai-project", "openai-beta"], ["cf-aig-"]),
  authHeaders: tokenHeaders,
  ...openAIWire,
  // Every POST: its model id is normalised (and usage injected into streamed completions).
  inspectsRequestBody: (method) => method === "POST",
  prepareRequestBody: (body, ctx) => {
    let changed = false;
    if (typeof body.model === "string") {
      const model = normaliseCloudflareModel(body.model);
      if ("error" in model) throw new UpstreamRefusal(400, "invalid_model", model.error);
      if (model.id !== body.model) {
        body.model = model.id;
        changed = true;
      }
    }
    const usage = injectStreamUsage(body, ctx.clientPath);
    return changed ? { changed, usageInjected: usage.usageInjected } : usage;
  },
  /**
   * Cloudflare's own errors (`{ success: false, error: [{ code, message }] }`) become
   * OpenAI-shaped, keeping Cloudflare's text and code and adding what to change.
   */
  explainUpstreamError: (status, text) => {
    const body = objectOf(parseJson(text));
    const first = Array.isArray(body?.error) ? objectOf(body.error[0]) : null;
    const code = typeof first?.code === "number" ? first.code : typeof body?.internalCode === "number" ? body.internalCode : null;
    if (!body || code === null) return null;
    const message = typeof first?.message === "string" ? first.message : typeof body.message === "string" ? body.message : "Cloudflare AI Gateway error";
    const advice = CLOUDFLARE_ADVICE[code] ?? "See https://developers.cloudflare.com/ai-gateway/ for this code.";
    return JSON.stringify(openAIErrorBody(status, `${message} (Cloudflare AI Gateway error ${code}). ${advice}`, `cloudflare_${code}`));
  },

  // The Unified API has no model listing: the probe is a one-token completion.
  probe: (provider) => ({
    method: "POST",
    clientPath: "/v1/chat/completions",
    body: { model: provider.models[0]?.id ?? "workers-ai/@cf/meta/llama-3.1-8b-instruct", messages: [{ role: "user", content: "ping" }], max_tokens: 1 },
  }),
} satisfies ApiTypeModule;
