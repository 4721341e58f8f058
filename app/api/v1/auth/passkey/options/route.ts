import { beginPasskeySignIn } from "@/lib/credentials/passkeys";
import { apiRoute } from "@/lib/http/api";

/** POST /api/v1/auth/passkey/options — sign-in options for `startAuthentication()`. Public; 403 in Access mode or with passkeys off. */
export const POST = apiRoute(async () => beginPasskeySignIn());
