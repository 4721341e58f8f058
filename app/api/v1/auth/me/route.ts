import { requireUser } from "@/lib/auth/dal";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/auth/me — the signed-in principal. */
  GET: async () => {
    const p = await requireUser();
    return { user: { id: p.userId, username: p.username, email: p.email, role: p.role }, method: p.method };
  },
});
