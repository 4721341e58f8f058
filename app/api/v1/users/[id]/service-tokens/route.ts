import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { linkServiceToken } from "@/lib/users/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** POST /api/v1/users/{id}/service-tokens {clientId, name?} — link a Cloudflare Access service token (admin). */
  POST: async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
    await requireAdmin();
    const body = (await readJson(req)) as Record<string, unknown>;
    const serviceToken = await linkServiceToken({ userId: (await params).id, clientId: body.clientId, name: body.name });
    return Response.json({ service_token: serviceToken }, { status: 201 });
  },
});
