import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { resetPassword } from "@/lib/users/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/users/{id}/password {password} — reset someone else's (admin); ends their sessions. Your own: /api/v1/account/password. */
  POST: async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
    const admin = await requireAdmin();
    const body = (await readJson(req)) as Record<string, unknown>;
    await resetPassword({ id: (await params).id, password: body.password, by: admin.userId });
    return new Response(null, { status: 204 });
  },
});
