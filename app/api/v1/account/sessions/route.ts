import { requireUser } from "@/lib/auth/dal";
import { assertBuiltInSignIn } from "@/lib/credentials/built-in-mode";
import { listSessions } from "@/lib/credentials/sessions";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/account/sessions — your sessions; `current` marks this one. 403 in Access mode. */
  GET: async () => {
    const me = await requireUser();
    assertBuiltInSignIn("Sessions");
    return { sessions: await listSessions({ userId: me.userId, currentSessionId: me.sessionId }) };
  },
});
