/**
 * CI check (`npm run db:check [folder]`, default `drizzle`): are the committed migrations
 * whole, and do they agree with lib/db/schema.ts?
 *
 * 1. The folder is what drizzle-kit writes: every journal entry has its `.sql` and its
 *    snapshot, every `.sql` and snapshot has a journal entry, each snapshot's `prevId` is
 *    the previous snapshot's `id`, and journal times increase (drizzle's migrator applies
 *    only migrations newer than the newest applied one, so an older time is skipped
 *    silently). A migration added by hand — SQL plus a journal line, no snapshot — fails
 *    here, named; it would also hide its schema change from step 2.
 * 2. `drizzle-kit generate` run against a scratch copy of the folder writes nothing: the
 *    exact answer, not a guess from changed file names.
 *
 * Exit code 0 = all good, 1 = a problem (each printed with the file it concerns).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

/** The snapshot drizzle-kit writes beside migration `tag`: `meta/<NNNN>_snapshot.json`. */
const snapshotOf = (tag: string) => `meta/${tag.split("_")[0]}_snapshot.json`;

/**
 * Problems with the folder's structure (step 1), each naming the file, relative to `dir`'s
 * parent (`drizzle/0099_manual.sql`). Empty when the folder is whole.
 */
export function findMigrationFolderProblems(dir: string): string[] {
  const name = (file: string) => path.join(path.basename(dir), file);
  const journalFile = path.join(dir, "meta", "_journal.json");
  if (!fs.existsSync(journalFile)) return [`${name("meta/_journal.json")} is missing`];
  let journal: Journal;
  try {
    journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as Journal;
  } catch (err) {
    return [`${name("meta/_journal.json")} is not valid JSON: ${(err as Error).message}`];
  }

  const problems: string[] = [];
  const tags = new Set(journal.entries.map((e) => e.tag));
  let previous: { id: string; file: string } | null = null;
  let previousWhen = -Infinity;
  for (const entry of journal.entries) {
    const sqlFile = `${entry.tag}.sql`;
    if (!fs.existsSync(path.join(dir, sqlFile))) problems.push(`${name(sqlFile)} is in the journal but missing`);
    if (!(entry.when > previousWhen)) problems.push(`${name(sqlFile)}: its journal time ${entry.when} is not after the previous migration's, so drizzle would never apply it`);
    previousWhen = entry.when;

    const snapshotFile = snapshotOf(entry.tag);
    if (!fs.existsSync(path.join(dir, snapshotFile))) {
      problems.push(`${name(sqlFile)} has no snapshot (${name(snapshotFile)}): it was not made by drizzle-kit. Remove it and its journal entry, change lib/db/schema.ts, and run \`npm run db:generate\` (for hand-written SQL: \`npm run db:generate -- --custom --name <what>\`)`);
      previous = null;
      continue;
    }
    const snapshot = JSON.parse(fs.readFileSync(path.join(dir, snapshotFile), "utf8")) as { id?: string; prevId?: string };
    if (previous && snapshot.prevId !== previous.id) {
      problems.push(`${name(snapshotFile)}: prevId ${snapshot.prevId} is not the id of ${name(previous.file)} (${previous.id}); regenerate the migration after rebasing`);
    }
    previous = { id: snapshot.id ?? "", file: snapshotFile };
  }

  for (const file of fs.readdirSync(dir)) {
    if (file.endsWith(".sql") && !tags.has(file.slice(0, -4))) problems.push(`${name(file)} has no journal entry, so it is never applied`);
  }
  const snapshots = new Set(journal.entries.map((e) => snapshotOf(e.tag)));
  for (const file of fs.existsSync(path.join(dir, "meta")) ? fs.readdirSync(path.join(dir, "meta")) : []) {
    if (file.endsWith("_snapshot.json") && !snapshots.has(`meta/${file}`)) problems.push(`${name(`meta/${file}`)} belongs to no journal entry`);
  }
  return problems;
}

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

function main(): void {
  const root = process.cwd();
  const committed = path.resolve(root, process.argv[2] ?? "drizzle");

  const problems = findMigrationFolderProblems(committed);
  if (problems.length > 0) {
    console.error(`migrations: ${process.argv[2] ?? "drizzle"} is not what drizzle-kit writes:`);
    for (const problem of problems) console.error(`- ${problem}`);
    process.exit(1);
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-migrations-"));
  try {
    fs.cpSync(committed, scratch, { recursive: true });
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
      process.exitCode = 1;
      return;
    }
    const after = listFiles(scratch);
    const changed = [...after].filter(([file, text]) => before.get(file) !== text).map(([file]) => file);
    if (changed.length === 0) {
      console.log(`migrations: ${path.relative(root, committed)} matches lib/db/schema.ts`);
      return;
    }
    console.error(`migrations: lib/db/schema.ts has changes with no migration in ${path.relative(root, committed)}. Run \`npm run db:generate\` and commit the result.`);
    for (const file of changed.filter((f) => f.endsWith(".sql"))) {
      console.error(`--- would create ${file}:\n${after.get(file)}`);
    }
    process.exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) main();
