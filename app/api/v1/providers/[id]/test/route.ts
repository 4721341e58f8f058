import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { testProvider } from "@/lib/providers/queries";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /**
   * POST /api/v1/providers/{id}/test (admin): probes the provider through the gateway's URL
   * and credentials → `{ ok, status, latencyMs, models, message }`. The body may carry
   * unsaved fields (as PATCH takes them) to test before saving; `{ "kind": "list" }` asks
   * for the upstream's model listing instead. An empty body tests what is stored. See docs/api.md.
   */
  POST: async (req: Request, { params }: Ctx) => {
    await requireAdmin();
    const body = req.headers.get("content-length") === "0" || req.body === null ? {} : await readOptionalJson(req);
    const { kind, ...input } = body;
    return testProvider({ id: (await params).id, input, kind: kind === "list" ? "list" : "probe" });
  },
});

async function readOptionalJson(req: Request): Promise<Record<string, unknown>> {
  const copy = req.clone();
  return (await copy.text()).trim() === "" ? {} : readJson(req);
}
