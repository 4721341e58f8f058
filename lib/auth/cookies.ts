import "server-only";
import { cookies, headers } from "next/headers";
import { getConfig } from "@/lib/config";
import { SESSION_COOKIE } from "@/lib/credentials/sessions";

/**
 * The session cookie's one set/delete pair (Lucia's `setSessionTokenCookie` /
 * `deleteSessionTokenCookie`), for server actions and route handlers alike: both write
 * through `next/headers`, which Next.js merges into whatever response the handler returns.
 */

/**
 * Whether cookies get `Secure`: per GATEHOUSE_SECURE_COOKIES; or (auto) when the public URL
 * (GATEHOUSE_PUBLIC_URL) is https; or, without one, when the request reached us over https,
 * directly or through a proxy that says so in `X-Forwarded-Proto` (Next.js sets that header
 * itself for direct requests).
 */
export function wantsSecureCookies(requestHeaders: Pick<Headers, "get">): boolean {
  const { secureCookies: mode, publicOrigin } = getConfig();
  if (mode !== "auto") return mode === "always";
  if (publicOrigin) return publicOrigin.startsWith("https:");
  const proto = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto === "https";
}

async function writeSessionCookie(value: string, expires: Date): Promise<void> {
  const secure = wantsSecureCookies(await headers());
  (await cookies()).set(SESSION_COOKIE, value, { httpOnly: true, sameSite: "lax", secure, path: "/", expires });
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure behind https, expiring with the session. */
export async function setSessionCookie({ token, expiresAt }: { token: string; expiresAt: Date }): Promise<void> {
  await writeSessionCookie(token, expiresAt);
}

/** Deletes the session cookie (same attributes, empty, expired). */
export async function deleteSessionCookie(): Promise<void> {
  await writeSessionCookie("", new Date(0));
}

/** The session token the request carries, if any. */
export async function sessionTokenFromCookie(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}
