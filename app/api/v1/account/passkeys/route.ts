import { requireUser } from "@/lib/auth/dal";
import { finishPasskeyRegistration, listPasskeys } from "@/lib/credentials/passkeys";
import { apiHandlers, readJson } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/account/passkeys — your passkeys. */
  GET: async () => {
    const me = await requireUser();
    return { passkeys: await listPasskeys({ userId: me.userId }) };
  },
  /** POST /api/v1/account/passkeys {name, response} — registers the passkey `startRegistration()` created. */
  POST: async (req: Request) => {
    const me = await requireUser();
    const passkey = await finishPasskeyRegistration({ userId: me.userId, input: await readJson(req) });
    return Response.json({ passkey }, { status: 201 });
  },
});
