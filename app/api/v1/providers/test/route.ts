import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { testProvider } from "@/lib/providers/queries";

/**
 * POST /api/v1/providers/test (admin): tests a provider that is not saved yet — the body
 * is a create body (`apiType` and the type's fields; key and name not needed) →
 * `{ ok, status, latencyMs, models, message }`. `"kind": "list"` fetches the model listing.
 */
export const POST = apiRoute(async (req: Request) => {
  await requireAdmin();
  const { kind, ...input } = await readJson(req);
  return testProvider({ input, kind: kind === "list" ? "list" : "probe" });
});
