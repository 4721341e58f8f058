import { requireUser } from "@/lib/auth/dal";
import { assertBuiltInSignIn } from "@/lib/credentials/built-in-mode";
import { listSessions } from "@/lib/credentials/sessions";
import { apiRoute } from "@/lib/http/api";

/** GET /api/v1/account/sessions — your sessions; `current` marks this one. 403 in Access mode. */
export const GET = apiRoute(async () => {
  const me = await requireUser();
  assertBuiltInSignIn("Sessions");
  return { sessions: await listSessions({ userId: me.userId, currentSessionId: me.sessionId }) };
});
