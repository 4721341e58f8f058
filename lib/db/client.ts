import fs from "node:fs";
import path from "node:path";
import type { SQLWrapper } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { getConfig } from "@/lib/config";
import { onShutdown } from "@/lib/lifecycle";
import { log } from "@/lib/log";
import * as schema from "./schema";

/** The drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

interface DbHandle {
  db: Db;
  driver: "postgres" | "pglite";
  /** Runs a statement as a prepared one where the driver keeps them (see {@link executePrepared}). */
  executePrepared(query: SQLWrapper): Promise<void>;
  /**
   * PostgreSQL LISTEN on its own connection: `onMessage` for each NOTIFY on `channel`,
   * `onListen` each time listening (re)starts — notifications sent while the connection
   * was down are lost, so a caller that must not miss one treats that as "something
   * changed". A no-op for embedded PGlite, which only one process can open.
   */
  listen(channel: string, onMessage: () => void, onListen: () => void): Promise<void>;
  close(): Promise<void>;
}

const HANDLE = Symbol.for("gatehouse.db");
type Holder = { [HANDLE]?: Promise<DbHandle> };

/** Folder of the generated SQL migrations (drizzle-kit). */
export function migrationsFolder(): string {
  return path.join(process.cwd(), "drizzle");
}

/**
 * The process-wide database, migrated on first use.
 *
 * `DATABASE_URL` set → postgres-js; unset → embedded PGlite in `<dataDir>/pglite`.
 * The handle lives on `globalThis`, so the middleware bundle, the app bundle and
 * dev-mode reloads share one client (PGlite must never be opened twice on one folder).
 * @throws when the database cannot be reached, the embedded folder is held by another
 *   process, or a migration fails.
 */
export function getDb(): Promise<Db> {
  return getHandle().then((h) => h.db);
}

/**
 * Runs `query` (drizzle's `sql` or a query builder) for its effect, as a prepared
 * statement where the driver keeps them: postgres-js parses and plans the text once per
 * connection and afterwards sends only the parameters — one round trip instead of two, no
 * re-planning (drizzle sends every other statement unnamed: Parse and Describe, wait, then
 * Bind and Execute). Meant for the few statements whose text never changes and that run
 * per batch of gateway calls (the request log, the spend counters): each distinct text is
 * kept on every connection for the connection's life. `?prepare=false` in `DATABASE_URL`
 * turns prepared statements off (PgBouncer in transaction mode before 1.21); embedded
 * PGlite runs the statement as drizzle would.
 * @throws what the statement throws (constraint violations, the database unreachable).
 */
export async function executePrepared(query: SQLWrapper): Promise<void> {
  return (await getHandle()).executePrepared(query);
}

/** Like {@link getDb}, with the driver name and a `close()` for CLIs and tests. */
export function getHandle(): Promise<DbHandle> {
  const holder = globalThis as Holder;
  if (!holder[HANDLE]) {
    holder[HANDLE] = open().catch((err) => {
      delete holder[HANDLE];
      throw err;
    });
    // Last of the shutdown hooks: the others (pending log rows) still write through it.
    onShutdown("database", closeDb, 1000);
  }
  return holder[HANDLE];
}

/** Closes the process-wide database (CLI exit, test teardown). */
export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const pending = holder[HANDLE];
  delete holder[HANDLE];
  if (pending) await (await pending).close();
}

async function open(): Promise<DbHandle> {
  const config = getConfig();
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPglite(config.dataDir);
}

// A fixed key for pg_advisory_lock so that replicas starting together migrate one at a time.
export const MIGRATION_LOCK_KEY = 727_001;

async function openPostgres(url: string): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");

  const migrator = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await migrator<{ locked: boolean }[]>`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) as locked`;
    if (!row?.locked) {
      log.info("migrations: another process holds the migration lock; waiting for it");
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    }
    await migrate(drizzle(migrator), { migrationsFolder: migrationsFolder() });
  } finally {
    await migrator.end({ timeout: 5 });
  }

  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(client, { schema }) as unknown as Db;
  const dialect = new PgDialect();
  return {
    db,
    driver: "postgres",
    executePrepared: async (query) => {
      const { sql: text, params } = dialect.sqlToQuery(query.getSQL());
      await client.unsafe(text, params as never[], { prepare: true });
    },
    listen: async (channel, onMessage, onListen) => {
      await client.listen(channel, onMessage, onListen);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<DbHandle> {
  const folder = path.join(dataDir, "pglite");
  fs.mkdirSync(folder, { recursive: true });
  const releaseLock = acquireFolderLock(path.join(dataDir, "pglite.pid"));
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = await PGlite.create(folder);
    const pg = drizzle(client, { schema });
    await migrate(pg, { migrationsFolder: migrationsFolder() });
    return {
      db: pg as unknown as Db,
      driver: "pglite",
      executePrepared: async (query) => {
        await pg.execute(query.getSQL());
      },
      listen: async () => {},
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

/**
 * PGlite is an in-process database: two processes on one folder corrupt it.
 * A pid file makes the second one stop with a clear message instead.
 */
function acquireFolderLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      const release = () => {
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8"));
      if (holder === process.pid) return () => {};
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `the embedded database in ${path.dirname(file)} is in use by process ${holder}; stop it first, or set DATABASE_URL to share a PostgreSQL database`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database folder ${path.dirname(file)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
