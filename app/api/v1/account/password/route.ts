import { requireUser } from "@/lib/auth/dal";
import { changeOwnPassword } from "@/lib/credentials/passwords";
import { apiRoute, readJson } from "@/lib/http/api";

/** POST /api/v1/account/password {currentPassword, newPassword} — ends your other sessions, keeps this one. */
export const POST = apiRoute(async (req: Request) => {
  const me = await requireUser();
  return changeOwnPassword({ userId: me.userId, sessionId: me.sessionId, input: await readJson(req) });
});
