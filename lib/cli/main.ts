/**
 * Gatehouse CLI: `npm run cli -- <command>`.
 *   create-admin --username U --password P [--email E]   (an existing admin gets the email)
 *   reset-password --username U --password P
 * Errors are one line on stderr and exit code 1.
 */
import { Command, CommanderError } from "commander";
import { ConfigError, getConfig } from "@/lib/config";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
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

program.parseAsync(process.argv).catch((err) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  fail((err as Error).message);
});
