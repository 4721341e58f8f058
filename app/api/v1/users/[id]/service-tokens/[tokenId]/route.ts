import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers } from "@/lib/http/api";
import { unlinkServiceToken } from "@/lib/users/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** DELETE /api/v1/users/{id}/service-tokens/{tokenId} — unlink (admin). */
  DELETE: async (_req: Request, { params }: { params: Promise<{ id: string; tokenId: string }> }) => {
    await requireAdmin();
    await unlinkServiceToken({ id: (await params).tokenId });
    return new Response(null, { status: 204 });
  },
});
