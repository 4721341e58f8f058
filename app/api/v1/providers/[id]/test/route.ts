import { requireAdmin } from "@/lib/auth/dal";
import { apiRoute, readJson } from "@/lib/http/api";
import { testProvider } from "@/lib/providers/queries";

type Ctx = { params: Promise<{ id: string }> };

/**
 * POST /api/v1/providers/{id}/test (admin): probes the provider through the gateway's URL
 * and credentials → `{ ok, status, latencyMs, models, message }`. The body may carry
 * unsaved fields (as PATCH takes them) to test before saving; `{ "kind": "list" }` asks
 * for the upstream's model listing instead. See docs/api.md.
 */
export const POST = apiRoute(async (req: Request, { params }: Ctx) => {
  await requireAdmin();
  const { kind, ...input } = await readOptionalJson(req);
  return testProvider({ id: (await params).id, input, kind: kind === "list" ? "list" : "probe" });
});

async function readOptionalJson(req: Request): Promise<Record<string, unknown>> {
  if (req.headers.get("content-length") === "0" || req.body === null) return {};
  const text = await req.clone().text();
  return text.trim() === "" ? {} : readJson(req);
}
