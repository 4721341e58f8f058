import { ConfigError, getConfig } from "@/lib/config";
import { ensureEncryptionKey } from "@/lib/crypto/secret-box";
import { getHandle } from "@/lib/db/client";
import { log } from "@/lib/log";

/**
 * Server start-up (called from instrumentation.ts on the Node.js runtime): parse the
 * configuration and open — and migrate — the database before the first request, so a bad
 * environment stops the server with one clear line instead of failing request by request.
 */
export async function startUp(): Promise<void> {
  try {
    const config = getConfig();
    ensureEncryptionKey();
    const db = await getHandle().catch((err: Error) => {
      if (!config.databaseUrl) throw err;
      const host = new URL(config.databaseUrl).host;
      throw new Error(`cannot use the database in DATABASE_URL (${host}): ${err.message}`);
    });
    const where = db.driver === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL (DATABASE_URL)";
    const mode = config.cfAccess ? `Cloudflare Access (${config.cfAccess.teamDomain})` : "built-in sign-in";
    log.info(`ready: ${mode}, database: ${where}`);
  } catch (err) {
    const message = err instanceof ConfigError ? `configuration error: ${err.message}` : `start-up failed: ${(err as Error).message}`;
    log.error(message);
    process.exit(1);
  }
}
