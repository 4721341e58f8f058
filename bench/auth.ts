/**
 * npm run bench:auth — what Cloudflare Access verification and the user lookup cost per request.
 *
 * Starts the built app (`next start`; builds first if needed) in Cloudflare Access mode
 * against a loopback fake team domain, then loads, with autocannon from this process:
 *   A. GET /api/v1/auth/config — public: the same middleware and Next.js route machinery,
 *      no principal (the baseline);
 *   B. GET /api/v1/auth/me with a Cf-Access-Jwt-Assertion — RS256 verification, the email →
 *      user lookup, in middleware and again in the handler.
 * Rounds alternate A and B so drift on a shared machine hits both alike. Prints req/s and
 * p50/p99 (ms) per route (medians over rounds) and the ratio B/A — the median of each
 * round's own ratio, since the two halves of a round ran side by side in time.
 * Target: B keeps ≥ 85 % of A's throughput.
 *
 * Environment: BENCH_SECONDS (per round and route, default 5), BENCH_ROUNDS (default 5),
 * BENCH_CONNECTIONS (default 16), TEST_DATABASE_URL (use PostgreSQL instead of PGlite).
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { startFakeCloudflare } from "@/e2e/fixtures/fake-cloudflare";
import { adminUrl, createTestDatabase, dropTestDatabase } from "@/lib/testing/test-database";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const root = process.cwd();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

interface Figures {
  rps: number[];
  p50: number[];
  p99: number[];
  errors: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("bench: no build found; running next build …");
    const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const aud = "bench-aud";
  const cf = await startFakeCloudflare({ aud });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(port) };
  delete env.DATABASE_URL;
  const admin = adminUrl();
  let database: { name: string } | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-"));
  if (admin) {
    const created = await createTestDatabase(admin, "bench");
    database = created;
    env.DATABASE_URL = created.url;
    env.GATEHOUSE_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  } else {
    env.GATEHOUSE_DATA_DIR = dataDir;
  }
  const cli = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/main.ts", "create-admin", "--username", "bench", "--password", "bench-password", "--email", "bench@example.com"], {
    env,
    encoding: "utf8",
  });
  if (cli.status !== 0) throw new Error(`create-admin failed: ${cli.stderr}`);
  Object.assign(env, { CF_ACCESS_ENABLED: "true", CF_ACCESS_TEAM_DOMAIN: cf.url, CF_ACCESS_AUD: aud });
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], { env, stdio: ["ignore", "ignore", "inherit"] });

  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/api/health`);
    const token = await cf.issuer.mint({ email: "bench@example.com", expiresIn: 3600 });
    const authed = { "cf-access-jwt-assertion": token };
    const check = await fetch(`${base}/api/v1/auth/me`, { headers: authed });
    if (check.status !== 200) throw new Error(`/api/v1/auth/me answered ${check.status}: ${await check.text()}`);

    console.log(`bench: warming up (database: ${admin ? "PostgreSQL" : "embedded PGlite"}, ${CONNECTIONS} connections, ${os.cpus().length} CPUs)`);
    // Long enough for the JIT to settle (throughput still climbs over the first ~15 s).
    for (let i = 0; i < 2; i++) {
      await load(`${base}/api/v1/auth/config`, {}, 5);
      await load(`${base}/api/v1/auth/me`, authed, 5);
    }

    const figures: Record<"config" | "me", Figures> = { config: { rps: [], p50: [], p99: [], errors: 0 }, me: { rps: [], p50: [], p99: [], errors: 0 } };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, url, headers] of [
        ["config", `${base}/api/v1/auth/config`, {}],
        ["me", `${base}/api/v1/auth/me`, authed],
      ] as const) {
        const r = await load(url, headers, SECONDS);
        const f = figures[name];
        f.rps.push(r.requests.average);
        f.p50.push(r.latency.p50);
        f.p99.push(r.latency.p99);
        f.errors += r.non2xx + r.errors + r.timeouts;
        console.log(`  round ${round} ${name.padEnd(6)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms`);
      }
    }
    const row = (label: string, f: Figures) =>
      `${label.padEnd(44)} ${median(f.rps).toFixed(0).padStart(7)} req/s   p50 ${String(median(f.p50)).padStart(4)} ms   p99 ${String(median(f.p99)).padStart(4)} ms   errors ${f.errors}`;
    const ratio = median(figures.me.rps.map((rps, i) => rps / figures.config.rps[i]!));
    console.log("\nbench:auth (medians of rounds)");
    console.log(row("A  GET /api/v1/auth/config (public)", figures.config));
    console.log(row("B  GET /api/v1/auth/me (Cloudflare token)", figures.me));
    console.log(`ratio B/A throughput (median of per-round ratios): ${(ratio * 100).toFixed(1)} %  (target ≥ 85 %: ${ratio >= 0.85 ? "met" : "NOT met"})`);
    console.log(`JWKS fetches during the run: ${cf.stats.certsFetches}`);
    if (figures.me.errors + figures.config.errors > 0) process.exitCode = 1;
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await cf.close();
    if (database && admin) await dropTestDatabase(admin, database.name);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
});
