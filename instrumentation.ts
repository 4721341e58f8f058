/**
 * Start-up: parse the configuration and open (and migrate) the database before the
 * first request, so a bad environment stops the server with one clear line.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { getConfig, ConfigError } = await import("@/lib/config");
  try {
    const config = getConfig();
    const { getHandle } = await import("@/lib/db/client");
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
