import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { testProvider } from "@/lib/providers/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /**
   * POST /api/v1/providers/test (admin): tests a provider that is not saved yet — the body
   * is a create body (`apiType` and the type's fields; key and name not needed) →
   * `{ ok, status, latencyMs, models, message }`. `"kind": "list"` fetches the model listing.
   */
  POST: async (req: Request) => {
    await requireAdmin();
    const { kind, ...input } = await readJson(req);
    return testProvider({ input, kind: kind === "list" ? "list" : "probe" });
  },
});
