import { adminUrl, sweepTestDatabases } from "./test-database";

export default async function setup(): Promise<void> {
  const admin = adminUrl();
  if (!admin) {
    console.log("tests: embedded PGlite (set TEST_DATABASE_URL to run against PostgreSQL)");
    return;
  }
  const dropped = await sweepTestDatabases(admin);
  console.log(`tests: PostgreSQL at ${new URL(admin).host}, a fresh database per test file${dropped ? ` (swept ${dropped} stale)` : ""}`);
}
