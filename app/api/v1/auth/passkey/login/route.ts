import { setSessionCookie } from "@/lib/auth/cookies";
import { signInWithPasskey } from "@/lib/auth/sign-in";
import { apiHandlers, readJson } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/auth/passkey/login {response} — checks the passkey's answer and sets the session cookie. Public. */
  POST: async (req: Request) => {
    const body = await readJson(req);
    const signedIn = await signInWithPasskey(body.response, { userAgent: req.headers.get("user-agent") });
    await setSessionCookie(signedIn);
    return { user: signedIn.user, expires_at: signedIn.expiresAt.toISOString() };
  },
});
