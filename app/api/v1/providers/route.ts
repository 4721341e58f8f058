import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { createProvider, listProviders } from "@/lib/providers/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/providers (admin). API keys are never returned, only `hasApiKey`. */
  GET: async () => {
    await requireAdmin();
    return { providers: await listProviders() };
  },
  /** POST /api/v1/providers (admin): see docs/api.md for the two shapes. */
  POST: async (req: Request) => {
    await requireAdmin();
    const provider = await createProvider(await readJson(req));
    return Response.json({ provider }, { status: 201 });
  },
});
