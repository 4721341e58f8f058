import { NextResponse } from "next/server";
import { deleteSessionCookie, sessionTokenFromCookie } from "@/lib/auth/cookies";
import { getAuthConfig, signOut } from "@/lib/auth/sign-in";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/auth/logout — ends the session; answers `{ ok, logout_url }` (Cloudflare's in Access mode). */
  POST: async () => {
    await signOut(await sessionTokenFromCookie());
    await deleteSessionCookie();
    const config = getAuthConfig();
    return { ok: true, logout_url: config.cf_access_enabled ? config.logout_url : "/login" };
  },
  /**
   * GET — in Cloudflare Access mode, a redirect to Cloudflare's logout (there is no session of
   * ours to end). In built-in mode it ends nothing: a link on another site must not be able
   * to sign people out; use POST.
   */
  GET: async () => {
    const config = getAuthConfig();
    if (config.cf_access_enabled) return NextResponse.redirect(config.logout_url, 303);
    return NextResponse.json({ error: { code: "method_not_allowed", message: "Sign out with POST /api/v1/auth/logout" } }, { status: 405, headers: { allow: "POST" } });
  },
});
