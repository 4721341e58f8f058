import { apiHandlers } from "@/lib/http/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiHandlers({
  /** GET /api/health — liveness: 200 while the process serves requests; touches nothing else. Public. */
  GET: () => ({ status: "ok" }),
});

export const dynamic = "force-dynamic";
