import { z } from "zod";
import { baseUrlField } from "./base-url";
import { openAIWire } from "./openai-shared";
import { allowHeaders, apiKeyHeader, secretField } from "./shared";
import { UpstreamRefusal, type ApiTypeModule, type ProbeRequest, type UpstreamProvider } from "./types";

/**
 * Azure OpenAI (https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference):
 * base `https://{resource}.openai.azure.com`; the key goes as `api-key`.
 * Two path styles, both served:
 * - deployments: `/openai/deployments/{deployment}/chat/completions?api-version=…` — what
 *   the `AzureOpenAI` client of the `openai` SDKs sends; the stored `api-version` is added
 *   when the client sent none;
 * - the v1 API: `/openai/v1/chat/completions`, `model` = the deployment name
 *   (https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle) —
 *   what a plain OpenAI client pointed at `/gateway/<key>/v1` sends as `/v1/…`.
 * Answers and errors are OpenAI's shapes.
 */

/** The data-plane version sent with deployment paths when the client names none. */
export const DEFAULT_API_VERSION = "2024-10-21";

const API_VERSION = /^(\d{4}-\d{2}-\d{2}(-preview)?|v1|latest|preview)$/;

/** `https://res.openai.azure.com/openai/v1/` → `https://res.openai.azure.com`: the resource's endpoint. */
function resourceOf(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/i, "");
}

function upstreamUrl(provider: UpstreamProvider, clientPath: string, search: string): string {
  const resource = resourceOf(provider.baseUrl);
  let path = clientPath !== "" && !clientPath.startsWith("/") ? `/${clientPath}` : clientPath;
  // An AzureOpenAI client whose base URL already ends in /openai sends /deployments/….
  if (/^\/deployments\//.test(path)) path = `/openai${path}`;
  if (/^\/openai\//.test(path)) {
    if (/^\/openai\/v1(\/|$)/.test(path)) return `${resource}${path}${search}`;
    const params = new URLSearchParams(search);
    if (!params.has("api-version")) params.set("api-version", provider.settings.apiVersion || DEFAULT_API_VERSION);
    return `${resource}${path}?${params}`;
  }
  if (/^\/v1(\/|$)/.test(path)) return `${resource}/openai${path}${search}`;
  throw new UpstreamRefusal(
    404,
    "not_found",
    `Azure OpenAI serves /openai/deployments/{deployment}/… (AzureOpenAI clients) and /v1/… (the v1 API, model = deployment name); "${clientPath}" is neither`,
  );
}

/**
 * `GET /openai/models?api-version=…` lists the resource's base models, not its
 * deployments: it proves key and endpoint, but cannot fill the models list (clients name
 * deployments), so Azure has no Fetch models.
 */
function probe(provider: UpstreamProvider): ProbeRequest {
  return { method: "GET", clientPath: "/openai/models", search: `?api-version=${provider.settings.apiVersion || DEFAULT_API_VERSION}` };
}

export const azureOpenai = {
  id: "azure-openai",
  label: "Azure OpenAI",
  help: "Azure OpenAI (or Azure AI Foundry) deployments: api-key header, deployment paths with api-version, and the v1 API.",
  docs: "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference",

  fields: z.object({
    baseUrl: baseUrlField("https://my-resource.openai.azure.com"),
    apiVersion: z
      .string({ error: "api-version must be text" })
      .trim()
      .regex(API_VERSION, "api-version is a date such as 2024-10-21 (or 2025-04-01-preview), or v1")
      .optional()
      .or(z.literal("")),
    apiKey: secretField("API key"),
  }),
  secretFields: ["apiKey"],
  form: [
    {
      name: "baseUrl",
      label: "Endpoint",
      kind: "url",
      required: true,
      placeholder: "https://my-resource.openai.azure.com",
      hint: "The resource's endpoint (Azure portal → Keys and Endpoint); a trailing /openai or /openai/v1 is dropped.",
    },
    { name: "apiVersion", label: "api-version", kind: "text", placeholder: DEFAULT_API_VERSION, half: true, hint: `Added to deployment calls that name none. Default ${DEFAULT_API_VERSION}.` },
    { name: "apiKey", label: "API key", kind: "secret", placeholder: "Key 1 or Key 2", hint: "Sent as api-key." },
  ],
  toStored: (values) => {
    const settings: Record<string, string> = {};
    if (typeof values.apiVersion === "string" && values.apiVersion !== "") settings.apiVersion = values.apiVersion;
    return { baseUrl: resourceOf(values.baseUrl as string), settings };
  },
  fromStored: (stored) => ({ baseUrl: stored.baseUrl, apiVersion: stored.settings.apiVersion ?? "" }),

  upstreamUrl,
  forwardsRequestHeader: allowHeaders(["openai-organization", "openai-beta", "x-ms-client-request-id", "x-ms-useragent"]),
  authHeaders: apiKeyHeader("api-key"),
  ...openAIWire,

  probe,
} satisfies ApiTypeModule;
