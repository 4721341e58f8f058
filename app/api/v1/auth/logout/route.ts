import { NextResponse, type NextRequest } from "next/server";
import { clearedSessionCookie, wantsSecureCookies } from "@/lib/auth/cookies";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { getAuthConfig, signOut } from "@/lib/auth/sign-in";
import { apiRoute } from "@/lib/http/api";
import { publicOrigin } from "@/lib/http/request-policy";

/**
 * POST /api/v1/auth/logout — ends the session; answers `{ logout_url }` (Cloudflare's in Access mode).
 * GET — the same, then redirects there (for plain links).
 */
async function logout(req: NextRequest, redirect: boolean): Promise<Response> {
  await signOut(req.cookies.get(SESSION_COOKIE)?.value);
  const config = getAuthConfig();
  const target = config.cf_access_enabled ? config.logout_url : "/login";
  const res = redirect ? NextResponse.redirect(new URL(target, publicOrigin(req.headers, req.url)), 303) : NextResponse.json({ ok: true, logout_url: target });
  const cleared = clearedSessionCookie(wantsSecureCookies(req.headers, req.url));
  res.cookies.set(cleared.name, cleared.value, cleared.options);
  return res;
}

export const POST = apiRoute((req: NextRequest) => logout(req, false));
export const GET = apiRoute((req: NextRequest) => logout(req, true));
