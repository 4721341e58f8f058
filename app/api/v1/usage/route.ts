import { requireUser } from "@/lib/auth/dal";
import { apiHandlers } from "@/lib/http/api";
import { getUsageTotals, listRequestLogs } from "@/lib/usage/queries";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/v1/usage?limit=100 — recent gateway calls and 30-day totals (yours; admins: everyone's). */
  GET: async (req: Request) => {
    const p = await requireUser();
    const actor = { userId: p.userId, role: p.role };
    const limit = Number(new URL(req.url).searchParams.get("limit") ?? "100");
    const [totals, requests] = await Promise.all([getUsageTotals({ actor }), listRequestLogs({ actor, limit: Number.isFinite(limit) ? limit : 100 })]);
    return { totals, requests };
  },
});
