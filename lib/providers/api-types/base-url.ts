import { z } from "zod";
import { isMetadataOrLinkLocal, isPrivateHost } from "@/lib/providers/addresses";
import { secretField } from "./shared";
import type { ApiTypeModule, StoredShape } from "./types";

/**
 * Endings that name an endpoint rather than a base: the client's path supplies these.
 * Longest first, so the message names the whole part to drop.
 */
const ENDPOINT_SUFFIXES = [
  "/chat/completions",
  "/completions",
  "/embeddings",
  "/responses",
  "/messages",
  "/models",
  "/api/chat",
  "/api/generate",
  "/api/tags",
  ":generatecontent",
  ":streamgeneratecontent",
];

/**
 * The base URL field, as providers document their base (see `joinVersionedPath`):
 * http(s) only, no credentials, query or fragment; not an endpoint (`…/chat/completions`
 * is refused, naming the part to drop); plain http only for loopback and private hosts;
 * never a link-local or cloud-metadata address. Trailing slashes are dropped.
 * @param example shown in messages, e.g. `https://api.openai.com/v1`
 */
export function baseUrlField(example: string) {
  return z
    .string({ error: "Enter the base URL" })
    .trim()
    .min(1, { message: "Enter the base URL", abort: true })
    .max(2000, { message: "Base URL is longer than 2000 characters", abort: true })
    .transform((v, ctx) => {
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `Enter a full URL, like ${example}` });
        return z.NEVER;
      }
      const problem = baseUrlProblem(v, url, example);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
    });
}

/**
 * The provider fields of a type set up by a base URL and an optional API key, and nothing
 * else (OpenAI-compatible, Responses, Anthropic, Gemini, Ollama): the URL is stored as
 * validated, with no settings.
 * @param example the type's documented base, shown in messages
 */
export function baseUrlAndKey(example: string) {
  return {
    fields: z.object({ baseUrl: baseUrlField(example), apiKey: secretField("API key") }),
    secretFields: ["apiKey"],
    toStored: (values: Record<string, unknown>): StoredShape => ({ baseUrl: values.baseUrl as string, settings: {} }),
    fromStored: (stored: StoredShape): Record<string, string> => ({ baseUrl: stored.baseUrl }),
  } satisfies Pick<ApiTypeModule, "fields" | "secretFields" | "toStored" | "fromStored">;
}

function baseUrlProblem(raw: string, url: URL, example: string): string | null {
  if (url.protocol !== "https:" && url.protocol !== "http:") return `Use an http(s) URL, like ${example}`;
  // `http:///v1` parses with the path's first segment as host on some inputs; insist on
  // the host the person typed.
  if (!url.hostname || !new RegExp(`^https?://[^/?#]`, "i").test(raw)) return `The URL has no host; enter it like ${example}`;
  if (url.username || url.password) return "Leave credentials out of the URL: put the key in the API key field";
  if (url.search || url.hash || raw.includes("?") || raw.includes("#")) return "Leave the query (?…) and fragment (#…) out of the base URL";
  if (isMetadataOrLinkLocal(url.hostname)) return "Link-local and cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) cannot be providers";
  if (url.protocol === "http:" && !isPrivateHost(url.hostname)) {
    return "Plain http is allowed only for loopback and private addresses (the key would cross networks unencrypted); use https://";
  }
  const path = url.pathname.replace(/\/+$/, "").toLowerCase();
  const suffix = ENDPOINT_SUFFIXES.find((s) => path.endsWith(s));
  if (suffix) {
    const keep = url.pathname.replace(/\/+$/, "").slice(0, path.length - suffix.length);
    return `This is an endpoint, not a base URL: drop "${url.pathname.replace(/\/+$/, "").slice(keep.length)}" (clients add it), leaving ${url.origin}${keep}`;
  }
  return null;
}

/** True when the base URL is plain http (the form shows a note: keys travel unencrypted on that network). */
export function isPlainHttp(baseUrl: string): boolean {
  return /^http:/i.test(baseUrl);
}
