import { requireUser } from "@/lib/auth/dal";
import { beginPasskeyRegistration } from "@/lib/credentials/passkeys";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/account/passkeys/options — registration options for `startRegistration()`. */
  POST: async () => {
    const me = await requireUser();
    return beginPasskeyRegistration({ userId: me.userId });
  },
});
