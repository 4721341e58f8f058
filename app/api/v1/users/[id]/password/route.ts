import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { resetPassword } from "@/lib/users/queries";

/** POST /api/v1/users/{id}/password {password} — reset (admin); ends the user's sessions. */
export const POST = apiRoute(async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireAdmin();
  const body = (await readJson(req)) as Record<string, unknown>;
  await resetPassword({ id: (await params).id, password: body.password });
  return new Response(null, { status: 204 });
});
