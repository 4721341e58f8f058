import { requireAdmin } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { getLimits, updateUserLimits } from "@/lib/limits/queries";
import { asUuid } from "@/lib/db/ids";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /** GET /api/v1/users/{id}/limits (admin) — the user's budget and rate limits, across all their keys. */
  GET: async (_req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { limits: await getLimits({ scope: "user", id: asUuid((await params).id) }) };
  },
  /** PATCH /api/v1/users/{id}/limits {budgetUsd?, budgetPeriod?, requestsPerMinute?, tokensPerMinute?} (admin); null clears a limit. */
  PATCH: async (req: Request, { params }: Ctx) => {
    await requireAdmin();
    return { limits: await updateUserLimits({ id: (await params).id, input: await readJson(req) }) };
  },
});
