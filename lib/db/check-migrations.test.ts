import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { findMigrationFolderProblems } from "./check-migrations";

// `npm run db:check` on copies of drizzle/ with the mistakes people make by hand.
const root = process.cwd();
let scratch: string | null = null;
afterEach(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

/** A copy of the committed drizzle/ folder, as `<tmp>/drizzle`. */
function copyOfMigrations(): string {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-dbcheck-"));
  const dir = path.join(scratch, "drizzle");
  fs.cpSync(path.join(root, "drizzle"), dir, { recursive: true });
  return dir;
}

type Journal = { entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
const readJournal = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "meta", "_journal.json"), "utf8")) as Journal;
const writeJournal = (dir: string, journal: Journal) => fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal, null, 2));

/** What a person adds by hand: SQL and a journal line, no snapshot. */
function addManualMigration(dir: string): void {
  fs.writeFileSync(path.join(dir, "0099_manual.sql"), "ALTER TABLE \"users\" ADD COLUMN \"nickname\" text;\n");
  const journal = readJournal(dir);
  journal.entries.push({ idx: 99, version: "7", when: journal.entries.at(-1)!.when + 1000, tag: "0099_manual", breakpoints: true });
  writeJournal(dir, journal);
}

function dbCheck(dir: string) {
  return spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "lib/db/check-migrations.ts", dir], { cwd: root, encoding: "utf8" });
}

describe("db:check", () => {
  it("finds nothing wrong with the committed migrations", () => {
    expect(findMigrationFolderProblems(path.join(root, "drizzle"))).toEqual([]);
  });

  it("fails on a migration added by hand without a snapshot, naming the file", { timeout: 120_000 }, () => {
    const dir = copyOfMigrations();
    addManualMigration(dir);
    const run = dbCheck(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/drizzle\/0099_manual\.sql has no snapshot \(drizzle\/meta\/0099_snapshot\.json\)/);
  });

  it.each([
    ["a .sql file without a journal entry", (dir: string) => fs.writeFileSync(path.join(dir, "0042_stray.sql"), "select 1;\n"), /drizzle\/0042_stray\.sql has no journal entry/],
    ["a journal entry without its .sql", (dir: string) => fs.rmSync(path.join(dir, `${readJournal(dir).entries[1]!.tag}.sql`)), /drizzle\/0001_rate_limits\.sql is in the journal but missing/],
    [
      "a journal time older than the previous migration's",
      (dir: string) => {
        const journal = readJournal(dir);
        journal.entries[2]!.when = journal.entries[0]!.when - 1;
        writeJournal(dir, journal);
      },
      /drizzle\/0002_request_log_outcomes\.sql: its journal time .* drizzle would never apply it/,
    ],
    [
      "a snapshot that does not follow the previous one",
      (dir: string) => {
        const file = path.join(dir, "meta", "0002_snapshot.json");
        fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), prevId: "00000000-0000-0000-0000-000000000000" }));
      },
      /drizzle\/meta\/0002_snapshot\.json: prevId .* is not the id of drizzle\/meta\/0001_snapshot\.json/,
    ],
  ])("finds %s", (_what, breakIt, problem) => {
    const dir = copyOfMigrations();
    breakIt(dir);
    expect(findMigrationFolderProblems(dir).join("\n")).toMatch(problem);
  });

  it("still fails when lib/db/schema.ts has a change no migration holds", { timeout: 120_000 }, () => {
    const dir = copyOfMigrations();
    const journal = readJournal(dir);
    const snapshotPath = (tag: string) => path.join(dir, "meta", `${tag.split("_")[0]}_snapshot.json`);
    const schemaOf = (tag: string) => {
      const { id: _id, prevId: _prevId, ...schema } = JSON.parse(fs.readFileSync(snapshotPath(tag), "utf8")) as Record<string, unknown>;
      return schema;
    };
    // Drop migrations from the end up to the last one that changes the schema: a custom SQL
    // migration (a trigger, say) leaves the snapshot as it was, so removing only that one
    // would leave nothing for db:check to find.
    for (;;) {
      const last = journal.entries.pop()!;
      const changesSchema = !isDeepStrictEqual(schemaOf(last.tag), schemaOf(journal.entries.at(-1)!.tag));
      fs.rmSync(path.join(dir, `${last.tag}.sql`));
      fs.rmSync(snapshotPath(last.tag));
      if (changesSchema) break;
    }
    writeJournal(dir, journal);
    const run = dbCheck(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("lib/db/schema.ts has changes with no migration");
  });
});
