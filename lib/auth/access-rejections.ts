import type { AccessRejection } from "./cloudflare-access";

/**
 * Why a page refused a Cloudflare Access token, in words the person in front of it can act
 * on: what happened (`reason`), what to do about it (`fix`), and whether signing out of
 * Cloudflare Access and in again may help (`signInAgain`: the page then offers the logout
 * link). The reasons are the verifier's (./cloudflare-access.ts); the API says the same
 * thing in its 401 message. None of these texts quote the token or any key.
 */
export interface AccessRejectionExplanation {
  /** The page's heading. */
  title: string;
  reason: string;
  fix: string;
  signInAgain: boolean;
}

const NOT_A_TOKEN: AccessRejectionExplanation = {
  title: "Cloudflare Access did not let this request in",
  reason: "The Cf-Access-Jwt-Assertion header on this request is not a Cloudflare Access token.",
  fix: "Sign out of Cloudflare Access and sign in again. If that does not help, something between Cloudflare and Gatehouse sets or changes that header: tell whoever runs Gatehouse.",
  signInAgain: true,
};

const CLOCKS: AccessRejectionExplanation = {
  title: "Cloudflare Access did not let this request in",
  reason: "Your Cloudflare Access token is dated in the future: this server's clock and Cloudflare's disagree.",
  fix: "Wait a minute and reload. If it keeps happening, whoever runs Gatehouse should check the server's clock (NTP).",
  signInAgain: false,
};

const EXPLANATIONS: Record<Exclude<AccessRejection, "keys_unavailable">, AccessRejectionExplanation> = {
  missing: {
    title: "Gatehouse is behind Cloudflare Access",
    reason: "This request carried no Cloudflare Access token, so it did not come through your team's Access application.",
    fix: "Open Gatehouse at the address of its Access application and sign in there. If you did, the application may not cover this hostname or path: tell whoever runs Gatehouse.",
    signInAgain: false,
  },
  expired: {
    title: "Your Cloudflare Access sign-in has expired",
    reason: "The Cloudflare Access token on this request has expired.",
    fix: "Reload the page; Cloudflare asks you to sign in again. If it happens again right after signing in, the server's clock may be wrong: tell whoever runs Gatehouse.",
    signInAgain: true,
  },
  not_yet_valid: CLOCKS,
  issued_in_future: CLOCKS,
  audience: {
    title: "This token is for another Access application",
    reason: "Your Cloudflare Access token was issued for a different Access application than this Gatehouse.",
    fix: "Open Gatehouse through its own Access application. If you did, whoever runs Gatehouse should set CF_ACCESS_AUD to that application's Application Audience (AUD) tag.",
    signInAgain: true,
  },
  issuer: {
    title: "This token is from another Cloudflare team",
    reason: "Your Cloudflare Access token comes from a different Cloudflare team than the one this Gatehouse trusts.",
    fix: "Sign in through your team's Access application. If you did, whoever runs Gatehouse should check CF_ACCESS_TEAM_DOMAIN.",
    signInAgain: true,
  },
  bad_signature: {
    title: "Cloudflare Access did not let this request in",
    reason: "Your Cloudflare Access token's signature does not match your team's signing keys: it was changed on the way or not issued by Cloudflare.",
    fix: "Sign out of Cloudflare Access and sign in again. If that does not help, something between Cloudflare and Gatehouse changes requests: tell whoever runs Gatehouse.",
    signInAgain: true,
  },
  unknown_key: {
    title: "Cloudflare Access did not let this request in",
    reason: "Your Cloudflare Access token is signed with a key your team does not publish: a new key not out yet, a retired one, or another team's.",
    fix: "Reload in a minute (Cloudflare may be rotating its keys). If it keeps happening, sign out of Cloudflare Access and sign in again.",
    signInAgain: true,
  },
  no_identity: {
    title: "Cloudflare Access did not say who you are",
    reason: "Your Cloudflare Access token names neither an email nor a service token, so Gatehouse cannot tell who you are.",
    fix: "Sign in to Cloudflare Access with an account that has an email, or use a service token an admin has linked to a user.",
    signInAgain: true,
  },
  oversized: NOT_A_TOKEN,
  malformed: NOT_A_TOKEN,
  algorithm: NOT_A_TOKEN,
  no_kid: NOT_A_TOKEN,
};

/**
 * The explanation of a 401 in Cloudflare Access mode.
 * @param reason the verifier's reason; `undefined` (not known) reads as a missing token.
 *   `keys_unavailable` is a 503 with a page of its own and reads as missing here too.
 */
export function explainAccessRejection(reason: AccessRejection | undefined): AccessRejectionExplanation {
  if (!reason || reason === "keys_unavailable") return EXPLANATIONS.missing;
  return EXPLANATIONS[reason];
}
