import { getConfig, isLoopbackHost, type Config } from "@/lib/config";
import { AppError } from "@/lib/errors";

/**
 * Gatehouse as a WebAuthn relying party: its id and the origin browsers must report, both
 * from `GATEHOUSE_PUBLIC_URL` alone — never from `Host`, `Origin` or `X-Forwarded-*`, which
 * a client chooses. (Were they taken from the request, a phishing proxy could make the
 * server expect the proxy's own origin.)
 */
export type RelyingParty =
  | {
      enabled: true;
      /** RP ID: the public URL's host name, e.g. `gatehouse.example.com` (no scheme, no port). */
      id: string;
      /** Expected `origin` in clientDataJSON, e.g. `https://gatehouse.example.com`. */
      origin: string;
      /** Shown by the browser's passkey dialog. */
      name: string;
    }
  | { enabled: false; /** Why passkeys are off, for the Account page and the 403. */ reason: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The relying party under `config`, or why there is none:
 * - Cloudflare Access mode: built-in sign-in is off altogether;
 * - `GATEHOUSE_PUBLIC_URL` unset: there is no trustworthy origin to check against;
 * - an IP-address host: an RP ID must be a domain (https://www.w3.org/TR/webauthn-3/#rp-id);
 * - plain http on a non-loopback host: browsers offer WebAuthn only in secure contexts
 *   (https, or http on localhost).
 */
export function relyingParty(config: Config = getConfig()): RelyingParty {
  if (config.cfAccess) return { enabled: false, reason: "Gatehouse is behind Cloudflare Access, which replaces built-in sign-in (passwords and passkeys)." };
  if (!config.publicOrigin) {
    return {
      enabled: false,
      reason: "Passkeys are off: set GATEHOUSE_PUBLIC_URL to the address people open Gatehouse at (e.g. https://gatehouse.example.com) and restart.",
    };
  }
  const url = new URL(config.publicOrigin);
  const host = url.hostname;
  if (IPV4.test(host) || host.startsWith("[")) {
    return { enabled: false, reason: `Passkeys are off: GATEHOUSE_PUBLIC_URL uses an IP address (${host}); passkeys need a domain name.` };
  }
  if (url.protocol !== "https:" && !isLoopbackHost(host)) {
    return { enabled: false, reason: `Passkeys are off: GATEHOUSE_PUBLIC_URL uses http; browsers offer passkeys only over https (or on localhost).` };
  }
  return { enabled: true, id: host, origin: url.origin, name: "Gatehouse" };
}

/**
 * The relying party, for the passkey ceremonies.
 * @throws {AppError} forbidden (Cloudflare Access mode, or passkeys off — the message says why).
 */
export function requireRelyingParty(): Extract<RelyingParty, { enabled: true }> {
  const rp = relyingParty();
  if (!rp.enabled) {
    throw new AppError("forbidden", getConfig().cfAccess ? "Passkeys are turned off: Gatehouse is behind Cloudflare Access, so sign in through Cloudflare" : rp.reason);
  }
  return rp;
}
