import { sql } from "drizzle-orm";
import { getDb, getHandle, type Db } from "@/lib/db/client";
import { invalidatePrincipals } from "./cache";

/** PostgreSQL channel on which replicas hear that credentials changed. */
export const CREDENTIALS_CHANNEL = "gatehouse_credentials";

/**
 * The one way to write anything that changes who may sign in, or as whom: users (created,
 * re-emailed, re-roled, deleted), passwords, sessions, passkeys, service-token links.
 *
 * Runs `work` in one transaction and, inside that same transaction, sends a NOTIFY on
 * {@link CREDENTIALS_CHANNEL}. PostgreSQL delivers it to every listening replica when the
 * transaction commits and drops it if it rolls back
 * (https://www.postgresql.org/docs/current/sql-notify.html), so no replica forgets too
 * early or misses the change. This process clears its own principal cache at the end,
 * committed or not (clearing too often is harmless).
 *
 * @param work gets the transaction; throw to roll everything back.
 * @returns what `work` returned.
 */
export async function changeCredentials<T>(work: (tx: Db) => Promise<T>): Promise<T> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx as unknown as Db);
      await tx.execute(sql`select pg_notify(${CREDENTIALS_CHANNEL}, '')`);
      return result;
    });
  } finally {
    invalidatePrincipals();
  }
}

const LISTENING = Symbol.for("gatehouse.credentialsListening");
type Holder = { [LISTENING]?: Promise<void> };

/**
 * Makes this process clear its principal cache whenever another replica changes
 * credentials (and whenever the listening connection reconnects: notifications sent
 * while it was down are lost). Call once at start-up; later calls share the first.
 * A no-op on embedded PGlite (one process only).
 * @throws when LISTEN fails (e.g. a transaction-mode connection pooler); callers should
 *   log it and carry on: the cache's 5 s lifetime still bounds staleness.
 */
export function listenForCredentialChanges(): Promise<void> {
  const holder = globalThis as Holder;
  holder[LISTENING] ??= getHandle()
    .then((handle) => handle.listen(CREDENTIALS_CHANNEL, invalidatePrincipals, invalidatePrincipals))
    .catch((err) => {
      delete holder[LISTENING];
      throw err;
    });
  return holder[LISTENING];
}
