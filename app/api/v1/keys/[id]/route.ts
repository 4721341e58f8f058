import { requireUser } from "@/lib/auth/dal";
import { apiHandlers } from "@/lib/http/api";
import { revokeKey } from "@/lib/keys/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** DELETE /api/v1/keys/{id} — revoke (owner or admin); the gateway refuses it from the next request. */
  DELETE: async (_req: Request, { params }: { params: Promise<{ id: string }> }) => {
    const p = await requireUser();
    return { key: await revokeKey({ actor: { userId: p.userId, role: p.role }, id: (await params).id }) };
  },
});
