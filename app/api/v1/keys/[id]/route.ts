import { requireUser } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { revokeKey, updateKey } from "@/lib/keys/queries";

type Ctx = { params: Promise<{ id: string }> };

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers<Ctx>({
  /**
   * PATCH /api/v1/keys/{id} {name?, allowedProviders?, expiresAt? (null = never), budgetUsd?,
   * budgetPeriod?, requestsPerMinute?, tokensPerMinute?} — owner or admin; only the fields
   * given change, null clears a limit.
   */
  PATCH: async (req: Request, { params }: Ctx) => {
    const p = await requireUser();
    return { key: await updateKey({ actor: { userId: p.userId, role: p.role }, id: (await params).id, input: await readJson(req) }) };
  },
  /** DELETE /api/v1/keys/{id} — revoke (owner or admin); the gateway refuses it from the next request. */
  DELETE: async (_req: Request, { params }: Ctx) => {
    const p = await requireUser();
    return { key: await revokeKey({ actor: { userId: p.userId, role: p.role }, id: (await params).id }) };
  },
});
