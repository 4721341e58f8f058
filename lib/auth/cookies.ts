import { getConfig } from "@/lib/config";
import { SESSION_COOKIE } from "./sessions";

export interface CookieSpec {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/"; expires: Date };
}

/**
 * Whether cookies get `Secure`: per GATEHOUSE_SECURE_COOKIES; or (auto) when the public URL
 * (GATEHOUSE_PUBLIC_URL) is https; or, without one, when the request reached us over https,
 * directly or through a proxy that says so in `X-Forwarded-Proto`.
 */
export function wantsSecureCookies(headers: Pick<Headers, "get">, requestUrl?: string): boolean {
  const { secureCookies: mode, publicOrigin } = getConfig();
  if (mode !== "auto") return mode === "always";
  if (publicOrigin) return publicOrigin.startsWith("https:");
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto ? proto === "https" : (requestUrl?.startsWith("https:") ?? false);
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure behind https. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): CookieSpec {
  return { name: SESSION_COOKIE, value: token, options: { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt } };
}

/** A cookie that deletes the session cookie. */
export function clearedSessionCookie(secure: boolean): CookieSpec {
  return sessionCookie("", new Date(0), secure);
}
