/**
 * Cloudflare AI Gateway's OpenAI-compatible endpoint:
 * `https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}/compat`
 * (https://developers.cloudflare.com/ai-gateway/usage/chat-completion/).
 * Model ids there are `provider/model`, e.g. `openai/gpt-4o-mini`.
 */

/** Cloudflare account ids are 32 hexadecimal characters. */
export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/i;
/** Gateway ids are slugs: letters, digits, `-` and `_`, up to 64 characters. */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Assembles the compat base URL.
 * @param origin e.g. `https://gateway.ai.cloudflare.com` (CF_AI_GATEWAY_ORIGIN), no trailing slash
 */
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
