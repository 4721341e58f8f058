import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { deleteProvider, getProviderById, updateProvider } from "@/lib/providers/queries";

type Ctx = { params: Promise<{ id: string }> };

/** GET /api/v1/providers/{id} (admin). */
export const GET = apiRoute(async (_req: Request, { params }: Ctx) => {
  await requireAdmin();
  return { provider: await getProviderById({ id: (await params).id }) };
});

/** PATCH /api/v1/providers/{id} (admin): omitted fields stay; `apiKey: null` removes the key. */
export const PATCH = apiRoute(async (req: Request, { params }: Ctx) => {
  await requireAdmin();
  return { provider: await updateProvider({ id: (await params).id, input: await readJson(req) }) };
});

/** DELETE /api/v1/providers/{id} (admin). */
export const DELETE = apiRoute(async (_req: Request, { params }: Ctx) => {
  await requireAdmin();
  await deleteProvider({ id: (await params).id });
  return new Response(null, { status: 204 });
});
