import postgres from "postgres";

/**
 * Test databases on a shared PostgreSQL server that keeps what earlier runs left:
 * every run creates its own databases, named with a timestamp, and drops them;
 * leftovers older than an hour (a killed run) are swept at the start of the next run.
 */
export const TEST_DB_PREFIX = "gatehouse_t_";

export function adminUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url ? url : null;
}

export function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(admin: string, label: string): Promise<{ name: string; url: string }> {
  const name = `${TEST_DB_PREFIX}${Date.now()}_${label.replace(/[^a-z0-9]/gi, "").slice(0, 12).toLowerCase()}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
  return { name, url: databaseUrl(admin, name) };
}

export async function dropTestDatabase(admin: string, name: string): Promise<void> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** Drops test databases older than `maxAgeMs` (their names carry the creation time). */
export async function sweepTestDatabases(admin: string, maxAgeMs = 3_600_000): Promise<number> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  let dropped = 0;
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${TEST_DB_PREFIX + "%"}`;
    for (const { datname } of rows) {
      const created = Number(datname.slice(TEST_DB_PREFIX.length).split("_")[0]);
      if (Number.isFinite(created) && Date.now() - created > maxAgeMs) {
        await sql.unsafe(`drop database if exists "${datname}" with (force)`);
        dropped++;
      }
    }
  } finally {
    await sql.end();
  }
  return dropped;
}
