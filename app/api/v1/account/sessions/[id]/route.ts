import { requireUser } from "@/lib/auth/dal";
import { assertBuiltInSignIn } from "@/lib/credentials/built-in-mode";
import { endSession } from "@/lib/credentials/sessions";
import { apiRoute } from "@/lib/http/api";

/** DELETE /api/v1/account/sessions/{id} — ends one of your sessions; that browser is signed out at its next request. */
export const DELETE = apiRoute(async (_req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const me = await requireUser();
  assertBuiltInSignIn("Sessions");
  await endSession({ userId: me.userId, sessionId: (await params).id });
  return new Response(null, { status: 204 });
});
