import { requireUser } from "@/lib/auth/dal";
import { apiHandlers, logUnexpected } from "@/lib/http/api";
import { CSV_HEADER, csvLines } from "@/lib/usage/csv";
import { eachCall } from "@/lib/usage/dashboard";
import { parseUsageFilters } from "@/lib/usage/filters";

/**
 * GET /api/v1/usage/export.csv?<filters> — every call matching the filters of
 * GET /api/v1/usage (yours; admins: everyone's), newest first, streamed in batches.
 */
export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  GET: async (req: Request) => {
  const p = await requireUser();
  const filters = parseUsageFilters(new URL(req.url).searchParams);
  const calls = eachCall({ actor: { userId: p.userId, role: p.role }, filters });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_HEADER));
    },
    async pull(controller) {
      try {
        const next = await calls.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(csvLines(next.value)));
      } catch (err) {
        logUnexpected(err);
        controller.error(err);
      }
    },
    async cancel() {
      await calls.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="gatehouse-usage-${filters.fromDay}-to-${filters.toDay}.csv"`,
      "cache-control": "no-store",
    },
  });
  },
});

export const dynamic = "force-dynamic";
