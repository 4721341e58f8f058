import { requireUser } from "@/lib/auth/dal";
import { assertBuiltInSignIn } from "@/lib/credentials/built-in-mode";
import { endSession } from "@/lib/credentials/sessions";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** DELETE /api/v1/account/sessions/{id} — ends one of your sessions; that browser is signed out at its next request. */
  DELETE: async (_req: Request, { params }: { params: Promise<{ id: string }> }) => {
    const me = await requireUser();
    assertBuiltInSignIn("Sessions");
    await endSession({ userId: me.userId, sessionId: (await params).id });
    return new Response(null, { status: 204 });
  },
});
