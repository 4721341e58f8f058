import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { deleteProvider, getProviderById, updateProvider } from "@/lib/providers/queries";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /** GET /api/v1/providers/{id} (admin). */
  GET: async (_req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { provider: await getProviderById({ id: (await params).id }) };
  },
  /** PATCH /api/v1/providers/{id} (admin): omitted fields stay; `apiKey: null` removes the key. */
  PATCH: async (req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { provider: await updateProvider({ id: (await params).id, input: await readJson(req) }) };
  },
  /** DELETE /api/v1/providers/{id} (admin). */
  DELETE: async (_req: Request, { params }: Ctx) => {
    await requireAdmin();
    await deleteProvider({ id: (await params).id });
    return new Response(null, { status: 204 });
  },
});
