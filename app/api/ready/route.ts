import { checkReadiness } from "@/lib/db/readiness";

/** GET /api/ready — readiness: 200 when the database answers and migrations are applied, else 503 with the reason. Public. */
export async function GET(): Promise<Response> {
  const readiness = await checkReadiness();
  if (readiness.ready) return Response.json({ status: "ready" });
  return Response.json({ status: "unavailable", reason: readiness.reason }, { status: 503 });
}

export const dynamic = "force-dynamic";
