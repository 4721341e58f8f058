import { requireUser } from "@/lib/auth/dal";
import { finishPasskeyRegistration, listPasskeys } from "@/lib/credentials/passkeys";
import { apiRoute, readJson } from "@/lib/http/api";

/** GET /api/v1/account/passkeys — your passkeys. */
export const GET = apiRoute(async () => {
  const me = await requireUser();
  return { passkeys: await listPasskeys({ userId: me.userId }) };
});

/** POST /api/v1/account/passkeys {name, response} — registers the passkey `startRegistration()` created. */
export const POST = apiRoute(async (req: Request) => {
  const me = await requireUser();
  const passkey = await finishPasskeyRegistration({ userId: me.userId, input: await readJson(req) });
  return Response.json({ passkey }, { status: 201 });
});
