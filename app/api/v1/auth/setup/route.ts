import { setSessionCookie } from "@/lib/auth/cookies";
import { completeSetup } from "@/lib/auth/sign-in";
import { apiHandlers, readJson } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/auth/setup {username, password, email?} — the first admin; 403 once any user exists. */
  POST: async (req: Request) => {
    const done = await completeSetup(await readJson(req), req.headers.get("user-agent"));
    await setSessionCookie(done);
    return Response.json({ user: done.admin }, { status: 201 });
  },
});
