import { getDb } from "@/lib/db/client";
import { sql } from "drizzle-orm";

/** GET /api/health — 200 when the database answers (for load balancers). Public. */
export async function GET(): Promise<Response> {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
