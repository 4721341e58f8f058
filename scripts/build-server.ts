/**
 * The second half of `npm run build`, after `next build` (`output: "standalone"`): makes
 * `.next/standalone` a complete, self-contained deploy — the folder the Dockerfile copies
 * and `npm start` runs.
 *
 * - `server.js`: server.ts bundled (Next.js stays a dependency, from the traced
 *   node_modules), replacing the server.js Next.js writes there; it answers `/gateway/…`
 *   with the gateway core itself;
 * - `gateway.js`: the standalone gateway listener (gateway.ts, `npm run gateway`): no Next.js;
 * - `cli.js`: the CLI (lib/cli/main.ts), so `create-admin` and `reset-password` work in a
 *   container with no sources and no tsx;
 * - `.next/static` and `public/`, which Next.js leaves out of the standalone folder
 *   (https://nextjs.org/docs/app/api-reference/config/next-config-js/output);
 * - `drizzle/`, the migrations applied at start-up (read from the working directory).
 */
import fs from "node:fs";
import path from "node:path";
import { build, type BuildOptions } from "esbuild";

const root = process.cwd();
const standalone = path.join(root, ".next", "standalone");

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(standalone, ".next", "required-server-files.json"))) {
    throw new Error(`${path.relative(root, standalone)} has no build: run \`next build\` first (next.config.ts must keep output: "standalone")`);
  }
  const common: BuildOptions = {
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    tsconfig: path.join(root, "tsconfig.json"),
    legalComments: "none",
    logLevel: "warning",
    banner: { js: "// Built by `npm run build` (scripts/build-server.ts); edit the TypeScript source instead." },
  };
  // Packages with native or WASM files load from the traced node_modules, as Next.js's own
  // bundles load them; server.js also serves the gateway core (GATEHOUSE_GATEWAY_MOUNT).
  await build({ ...common, entryPoints: [path.join(root, "server.ts")], outfile: path.join(standalone, "server.js"), external: ["next", "@node-rs/argon2", "@electric-sql/pglite", "postgres"] });
  await build({
    ...common,
    entryPoints: [path.join(root, "gateway.ts")],
    outfile: path.join(standalone, "gateway.js"),
    external: ["@node-rs/argon2", "@electric-sql/pglite", "postgres"],
  });
  await build({
    ...common,
    entryPoints: [path.join(root, "lib", "cli", "main.ts")],
    outfile: path.join(standalone, "cli.js"),
    external: ["@node-rs/argon2", "@electric-sql/pglite", "postgres"],
  });

  copyFolder(path.join(root, ".next", "static"), path.join(standalone, ".next", "static"));
  copyFolder(path.join(root, "public"), path.join(standalone, "public"));
  copyFolder(path.join(root, "drizzle"), path.join(standalone, "drizzle"));
  console.log(`build: ${path.relative(root, standalone)} is ready (node server.js, node gateway.js, node cli.js)`);
}

/** Replaces `to` with a copy of `from`; nothing when `from` does not exist. */
function copyFolder(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
}

main().catch((err: Error) => {
  console.error(`build: ${err.message}`);
  process.exit(1);
});
