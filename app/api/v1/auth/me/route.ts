import { requireUser } from "@/lib/auth/dal";
import { apiRoute } from "@/lib/http/api";

/** GET /api/v1/auth/me — the signed-in principal. */
export const GET = apiRoute(async () => {
  const p = await requireUser();
  return { user: { id: p.userId, username: p.username, email: p.email, role: p.role }, method: p.method };
});
