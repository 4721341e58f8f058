/** GET /api/health — liveness: 200 while the process serves requests; touches nothing else. Public. */
export function GET(): Response {
  return Response.json({ status: "ok" });
}

export const dynamic = "force-dynamic";
