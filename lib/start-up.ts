import { ConfigError, getConfig } from "@/lib/config";
import { listenForCredentialChanges } from "@/lib/credentials/changes";
import { relyingParty } from "@/lib/credentials/relying-party";
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
    const rp = relyingParty(config);
    const mode = config.cfAccess
      ? `Cloudflare Access (${config.cfAccess.teamDomain})`
      : `built-in sign-in, ${rp.enabled ? `passkeys for ${rp.origin}` : "no passkeys (GATEHOUSE_PUBLIC_URL: see docs/auth.md)"}`;
    // Other replicas' credential writes clear this process's principal cache at once.
    await listenForCredentialChanges().catch((err: Error) =>
      log.warn(`cannot LISTEN for credential changes (${err.message}); other replicas' sign-outs and changes reach this one within 5 s`),
    );
    log.info(`ready: ${mode}, database: ${where}`);
  } catch (err) {
    const message = err instanceof ConfigError ? `configuration error: ${err.message}` : `start-up failed: ${(err as Error).message}`;
    log.error(message);
    process.exit(1);
  }
}
