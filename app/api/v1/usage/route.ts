import { requireUser } from "@/lib/auth/dal";
import { apiHandlers } from "@/lib/http/api";
import { getBreakdown, getRangeTotals, getUsageSeries, listCalls } from "@/lib/usage/dashboard";
import { parseUsageFilters } from "@/lib/usage/filters";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /**
   * GET /api/v1/usage?from&to&userId&keyId&provider&model&bucket&outcome&cursor&limit —
   * totals, a series per hour or day, breakdowns by user, key, provider and model, and one
   * page of calls (yours; admins: everyone's). See docs/api.md#usage.
   */
  GET: async (req: Request) => {
    const p = await requireUser();
    const actor = { userId: p.userId, role: p.role };
    const filters = parseUsageFilters(new URL(req.url).searchParams);
    const [totals, series, users, keys, providers, models, page] = await Promise.all([
      getRangeTotals({ actor, filters }),
      getUsageSeries({ actor, filters }),
      actor.role === "admin" ? getBreakdown({ actor, filters, by: "user" }) : Promise.resolve([]),
      getBreakdown({ actor, filters, by: "key" }),
      getBreakdown({ actor, filters, by: "provider" }),
      getBreakdown({ actor, filters, by: "model" }),
      listCalls({ actor, filters }),
    ]);
    return {
      range: { from: filters.fromDay, to: filters.toDay, bucket: filters.bucket },
      totals,
      series,
      breakdowns: { users, keys, providers, models },
      // `requests`: the calls of this page (the name older clients read).
      requests: page.calls,
      nextCursor: page.nextCursor,
    };
  },
});
