/**
 * Gatehouse CLI: `npm run cli -- <command>`.
 *   create-admin --username U --password P [--email E]   (an existing admin gets the email)
 *   reset-password --username U --password P
 *   rotate-encryption-key [--new-key K]   re-encrypt every stored secret under a new key
 * Errors are one line on stderr and exit code 1.
 */
import { Command, CommanderError } from "commander";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { ConfigError, decodeKey, getConfig } from "@/lib/config";
import { currentEncryptionKey, encryptionKeySource } from "@/lib/crypto/secret-box";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { rotateEncryptionKey } from "@/lib/providers/rotate-encryption-key";
import { ensureAdmin, resetPasswordByUsername } from "@/lib/users/queries";

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

async function run(action: () => Promise<string>): Promise<void> {
  try {
    getConfig();
    console.log(await action());
    await closeDb();
    process.exit(0);
  } catch (err) {
    await closeDb().catch(() => {});
    if (err instanceof ConfigError) fail(`configuration: ${err.message}`);
    if (err instanceof AppError) fail(err.message);
    fail((err as Error).message ?? String(err));
  }
}

const program = new Command()
  .name("gatehouse")
  .description("Gatehouse administration")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error:") ? s : s) });

program
  .command("create-admin")
  .description("create an admin, or set the email of an existing admin")
  .requiredOption("--username <username>", "admin username")
  .requiredOption("--password <password>", "password (at least 8 characters)")
  .option("--email <email>", "email for Cloudflare Access sign-in")
  .action((opts: { username: string; password: string; email?: string }) =>
    run(async () => {
      const { created, user } = await ensureAdmin(opts);
      if (created) return `created admin ${user.username}${user.email ? ` <${user.email}>` : ""}`;
      return `admin ${user.username} exists${user.email ? `; email is ${user.email}` : ""}; password unchanged (use reset-password to change it)`;
    }),
  );

program
  .command("reset-password")
  .description("set a user's password and end their sessions")
  .requiredOption("--username <username>", "username")
  .requiredOption("--password <password>", "new password (at least 8 characters)")
  .action((opts: { username: string; password: string }) =>
    run(async () => {
      await resetPasswordByUsername(opts);
      return `password of ${opts.username.trim()} reset; their sessions were ended`;
    }),
  );

program
  .command("rotate-encryption-key")
  .description("re-encrypt every stored secret under a new key, in one transaction")
  .option("--new-key <key>", "the new key: 32 bytes as base64 or 64 hex characters (openssl rand -base64 32); required when GATEHOUSE_ENCRYPTION_KEY is set")
  .action((opts: { newKey?: string }) =>
    run(async () => {
      const source = encryptionKeySource();
      const oldKey = currentEncryptionKey();
      let newKey: Buffer;
      if (opts.newKey !== undefined) {
        const decoded = decodeKey(opts.newKey.trim());
        if (!decoded) throw new Error("--new-key: expected 32 bytes as base64 or 64 hex characters (openssl rand -base64 32)");
        newKey = decoded;
      } else if (source.kind === "env") {
        throw new Error("GATEHOUSE_ENCRYPTION_KEY is set: pass the new key with --new-key (openssl rand -base64 32), then put it in GATEHOUSE_ENCRYPTION_KEY");
      } else {
        newKey = randomBytes(32);
      }
      if (source.kind === "env") {
        const { secrets, providers } = await rotateEncryptionKey({ oldKey, newKey });
        return `re-encrypted ${secrets} secret${secrets === 1 ? "" : "s"} of ${providers} provider${providers === 1 ? "" : "s"}; now set GATEHOUSE_ENCRYPTION_KEY to the new key everywhere Gatehouse runs and restart it`;
      }
      // Embedded default: the new key is written beside the old one first, and moved into
      // place only after the transaction commits, so a failure on either side loses nothing.
      const next = `${source.file}.next`;
      fs.writeFileSync(next, newKey.toString("base64") + "\n", { mode: 0o600 });
      let result: { secrets: number; providers: number };
      try {
        result = await rotateEncryptionKey({ oldKey, newKey });
      } catch (err) {
        fs.rmSync(next, { force: true });
        throw err;
      }
      fs.renameSync(next, source.file);
      return `re-encrypted ${result.secrets} secret${result.secrets === 1 ? "" : "s"} of ${result.providers} provider${result.providers === 1 ? "" : "s"}; the new key is in ${source.file} (back it up with the data folder) and a running Gatehouse must be restarted`;
    }),
  );

program.parseAsync(process.argv).catch((err) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  fail((err as Error).message);
});
