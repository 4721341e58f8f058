import { beginPasskeySignIn } from "@/lib/credentials/passkeys";
import { apiHandlers } from "@/lib/http/api";
import { clientAddress } from "@/lib/http/request-policy";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/auth/passkey/options — sign-in options for `startAuthentication()`. Public; 403 in Access mode or with passkeys off; 429 past 30 a minute per client address. */
  POST: async (req: Request) => beginPasskeySignIn({ address: clientAddress(req.headers) }),
});
