import { ConfigError, getConfig } from "@/lib/config";
import { getHandle } from "@/lib/db/client";

/**
 * Server start-up (called from instrumentation.ts on the Node.js runtime): parse the
 * configuration and open — and migrate — the database before the first request, so a bad
 * environment stops the server with one clear line instead of failing request by request.
 */
export async function startUp(): Promise<void> {
  try {
    const config = getConfig();
    const db = await getHandle();
    const where = db.driver === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL (DATABASE_URL)";
    const mode = config.cfAccess ? `Cloudflare Access (${config.cfAccess.teamDomain})` : "built-in sign-in";
    console.log(`gatehouse: ready: ${mode}, database: ${where}`);
  } catch (err) {
    const message = err instanceof ConfigError ? `configuration error: ${err.message}` : `start-up failed: ${(err as Error).message}`;
    console.error(`gatehouse: ${message}`);
    process.exit(1);
  }
}
