import { checkReadiness } from "@/lib/db/readiness";
import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/ready — readiness: 200 when the database answers and migrations are applied, else 503 with the reason. Public. */
  GET: async () => {
    const readiness = await checkReadiness();
    if (readiness.ready) return { status: "ready" };
    return Response.json({ status: "unavailable", reason: readiness.reason }, { status: 503 });
  },
});

export const dynamic = "force-dynamic";
