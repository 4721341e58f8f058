import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute } from "@/lib/http/api";
import { unlinkServiceToken } from "@/lib/users/queries";

/** DELETE /api/v1/users/{id}/service-tokens/{tokenId} — unlink (admin). */
export const DELETE = apiRoute(async (_req: Request, { params }: { params: Promise<{ id: string; tokenId: string }> }) => {
  await requireAdmin();
  await unlinkServiceToken({ id: (await params).tokenId });
  return new Response(null, { status: 204 });
});
