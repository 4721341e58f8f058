/**
 * CI check: do lib/db/schema.ts and the committed migrations in drizzle/ agree?
 *
 * It runs `drizzle-kit generate` against a scratch copy of drizzle/ and fails when
 * that would write anything: the exact answer, not a guess from changed file names.
 * Exit code 0 = in sync, 1 = a migration is missing (the SQL it would contain is printed).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = process.cwd();
const committed = path.join(root, "drizzle");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-migrations-"));

function listFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
  }
  return out;
}

try {
  if (fs.existsSync(committed)) fs.cpSync(committed, scratch, { recursive: true });
  const before = listFiles(scratch);
  // drizzle-kit prefixes "./" to --out, so it must be relative; and it can exit 0 on
  // failure, so its output must say one of its two success lines.
  const run = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "drizzle-kit", "bin.cjs"), "generate", "--dialect", "postgresql", "--schema", "lib/db/schema.ts", "--out", path.relative(root, scratch)],
    { cwd: root, encoding: "utf8" },
  );
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0 || !/No schema changes|Your SQL migration file/.test(run.stdout)) {
    console.error(`migrations: drizzle-kit generate did not complete:\n${output}`);
    process.exit(1);
  }
  const after = listFiles(scratch);
  const changed = [...after].filter(([file, text]) => before.get(file) !== text).map(([file]) => file);
  if (changed.length === 0) {
    console.log("migrations: drizzle/ matches lib/db/schema.ts");
    process.exit(0);
  }
  console.error("migrations: lib/db/schema.ts has changes with no migration in drizzle/. Run `npm run db:generate` and commit the result.");
  for (const file of changed.filter((f) => f.endsWith(".sql"))) {
    console.error(`--- would create ${file}:\n${after.get(file)}`);
  }
  process.exit(1);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
