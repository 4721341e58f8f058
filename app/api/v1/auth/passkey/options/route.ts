import { beginPasskeySignIn } from "@/lib/credentials/passkeys";
import { apiRoute } from "@/lib/http/api";
import { clientAddress } from "@/lib/http/request-policy";

/** POST /api/v1/auth/passkey/options — sign-in options for `startAuthentication()`. Public; 403 in Access mode or with passkeys off; 429 past 30 a minute per client address. */
export const POST = apiRoute(async (req) => beginPasskeySignIn({ address: clientAddress(req.headers) }));
