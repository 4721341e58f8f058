import { NextResponse } from "next/server";
import { sessionCookie, wantsSecureCookies } from "@/lib/auth/cookies";
import { completeSetup } from "@/lib/auth/sign-in";
import { apiRoute, readJson } from "@/lib/http/api";

/** POST /api/v1/auth/setup {username, password, email?} — the first admin; 403 once any user exists. */
export const POST = apiRoute(async (req: Request) => {
  const done = await completeSetup(await readJson(req), req.headers.get("user-agent"));
  const res = NextResponse.json({ user: done.admin }, { status: 201 });
  const cookie = sessionCookie(done.token, done.expiresAt, wantsSecureCookies(req.headers, req.url));
  res.cookies.set(cookie.name, cookie.value, cookie.options);
  return res;
});
