/**
 * Runs in each test file's process before its tests: points Gatehouse at a database of
 * its own (PostgreSQL when TEST_DATABASE_URL is set, else PGlite in a temp folder) and
 * removes it afterwards.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";
import { adminUrl, createTestDatabase, dropTestDatabase } from "./test-database";

const admin = adminUrl();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-test-"));
process.env.GATEHOUSE_DATA_DIR = dataDir;
process.env.GATEHOUSE_ENCRYPTION_KEY = randomBytes(32).toString("base64");
delete process.env.CF_ACCESS_ENABLED;
delete process.env.DATABASE_URL;

let created: { name: string; url: string } | null = null;
if (admin) {
  created = await createTestDatabase(admin, `w${process.env.VITEST_POOL_ID ?? "0"}`);
  process.env.DATABASE_URL = created.url;
}

afterAll(async () => {
  await closeDb();
  if (admin && created) await dropTestDatabase(admin, created.name);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
