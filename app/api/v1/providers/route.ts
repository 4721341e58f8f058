import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { createProvider, listProviders } from "@/lib/providers/queries";

/** GET /api/v1/providers (admin). API keys are never returned, only `hasApiKey`. */
export const GET = apiRoute(async () => {
  await requireAdmin();
  return { providers: await listProviders() };
});

/** POST /api/v1/providers (admin): see docs/api.md for the two shapes. */
export const POST = apiRoute(async (req: Request) => {
  await requireAdmin();
  const provider = await createProvider(await readJson(req));
  return Response.json({ provider }, { status: 201 });
});
