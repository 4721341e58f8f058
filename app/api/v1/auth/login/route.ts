import { setSessionCookie } from "@/lib/auth/cookies";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { apiHandlers, readJson } from "@/lib/http/api";
import { clientAddress } from "@/lib/http/request-policy";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/auth/login {username, password} — sets the session cookie. 403 in Cloudflare Access mode. */
  POST: async (req: Request) => {
    const signedIn = await signInWithPassword(await readJson(req), { userAgent: req.headers.get("user-agent"), address: clientAddress(req.headers) });
    await setSessionCookie(signedIn);
    return { user: signedIn.user, expires_at: signedIn.expiresAt.toISOString() };
  },
});
