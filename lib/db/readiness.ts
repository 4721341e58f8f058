import fs from "node:fs";
import path from "node:path";
import { max } from "drizzle-orm";
import { bigint, pgSchema } from "drizzle-orm/pg-core";
import { isShuttingDown } from "@/lib/lifecycle";
import { getDb, migrationsFolder } from "./client";

// drizzle's own bookkeeping table (not part of lib/db/schema.ts, so drizzle-kit leaves it alone).
const appliedMigrations = pgSchema("drizzle").table("__drizzle_migrations", { createdAt: bigint("created_at", { mode: "number" }) });

export type Readiness = { ready: true } | { ready: false; reason: "stopping" | "database_unreachable" | "migrations_pending" };

let latestMigration: number | undefined;

/** `when` (ms) of the newest migration in drizzle/meta/_journal.json: drizzle's own "applied" mark. */
function latestMigrationMillis(): number {
  if (latestMigration === undefined) {
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] };
    latestMigration = Math.max(0, ...journal.entries.map((e) => e.when));
  }
  return latestMigration;
}

/**
 * Whether this process should get traffic: not stopping, the database answers, and every
 * migration this build ships is applied. drizzle's migrator records each applied migration
 * with its journal time in `drizzle.__drizzle_migrations` and applies those newer than the
 * newest recorded one (drizzle-orm pg-core dialect `migrate`), so the same rule decides here.
 * Never throws.
 */
export async function checkReadiness(): Promise<Readiness> {
  if (isShuttingDown()) return { ready: false, reason: "stopping" };
  let newest: number;
  try {
    const db = await getDb();
    const [row] = await db.select({ newest: max(appliedMigrations.createdAt) }).from(appliedMigrations);
    newest = Number(row?.newest ?? 0);
  } catch {
    return { ready: false, reason: "database_unreachable" };
  }
  return newest >= latestMigrationMillis() ? { ready: true } : { ready: false, reason: "migrations_pending" };
}
