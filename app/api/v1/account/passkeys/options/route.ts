import { requireUser } from "@/lib/auth/dal";
import { beginPasskeyRegistration } from "@/lib/credentials/passkeys";
import { apiRoute } from "@/lib/http/api";

/** POST /api/v1/account/passkeys/options — registration options for `startRegistration()`. */
export const POST = apiRoute(async () => {
  const me = await requireUser();
  return beginPasskeyRegistration({ userId: me.userId });
});
