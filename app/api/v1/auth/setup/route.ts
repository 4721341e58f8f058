import { setSessionCookie } from "@/lib/auth/cookies";
import { completeSetup } from "@/lib/auth/sign-in";
import { apiRoute, readJson } from "@/lib/http/api";

/** POST /api/v1/auth/setup {username, password, email?} — the first admin; 403 once any user exists. */
export const POST = apiRoute(async (req: Request) => {
  const done = await completeSetup(await readJson(req), req.headers.get("user-agent"));
  await setSessionCookie(done);
  return Response.json({ user: done.admin }, { status: 201 });
});
