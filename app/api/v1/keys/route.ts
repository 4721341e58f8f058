import { requireUser } from "@/lib/auth/dal";
import { apiHandlers, readJson } from "@/lib/http/api";
import { createKey, listKeys } from "@/lib/keys/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/keys — your keys (admins: everyone's), with limits and spend. Secrets are never listed. */
  GET: async () => {
    const p = await requireUser();
    return { keys: await listKeys({ actor: { userId: p.userId, role: p.role } }) };
  },
  /** POST /api/v1/keys {name, allowedProviders?, expiresAt?, userId? (admin), budgetUsd?, budgetPeriod?, requestsPerMinute?, tokensPerMinute?} — the secret is in this answer only. */
  POST: async (req: Request) => {
    const p = await requireUser();
    const { key, secret } = await createKey({ actor: { userId: p.userId, role: p.role }, input: await readJson(req) });
    return Response.json({ key, secret }, { status: 201 });
  },
});
