import { requireUser } from "@/lib/auth/dal";
import { changeOwnPassword } from "@/lib/credentials/passwords";
import { apiHandlers, readJson } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/account/password {currentPassword, newPassword} — ends your other sessions, keeps this one. */
  POST: async (req: Request) => {
    const me = await requireUser();
    return changeOwnPassword({ userId: me.userId, sessionId: me.sessionId, input: await readJson(req) });
  },
});
