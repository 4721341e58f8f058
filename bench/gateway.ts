/**
 * npm run bench:gateway — what the LLM gateway costs per call, against a bare proxy, a bare
 * Next.js route handler and the open-source Portkey gateway, in one run on one machine.
 *
 * One loopback fake upstream (bench/gateway/upstream.mjs) behind seven contenders:
 *   direct      — straight to the upstream (what the client alone costs)
 *   floor       — node:http + one undici Agent, piping (bench/gateway/floor-proxy.mjs)
 *   next-floor  — a bare Next.js route handler that only forwards (bench/gateway/next-floor)
 *   portkey     — @portkey-ai/gateway from npm; package.json's `overrides` pins the
 *                 @hono/node-server it runs on to 1.13.5, its own lockfile's version (with
 *                 the 1.19 npm resolves otherwise, every streamed call fails)
 *   gh-server   — Gatehouse's app server (`npm start`'s server.js), which answers /gateway
 *                 with the gateway core before Next.js sees the call (the default)
 *   gh-route    — the same server with GATEHOUSE_GATEWAY_MOUNT=next: the Next.js route
 *                 handler answers, as on any other Next.js host (the Next mount)
 *   gh-alone    — Gatehouse's standalone listener (`npm run gateway`'s gateway.js)
 * Gatehouse's processes get the Node flags their npm scripts give them (package.json).
 * For each: autocannon with 50 connections, plain and streamed chat completions (req/s,
 * p50/p99 latency, CPU µs per request from the contender's own process tree CPU time in
 * /proc, and PostgreSQL's CPU µs per request meanwhile — the request log's cost), latency
 * at one connection (sequential calls on one keep-alive connection, p50), and time to the
 * first streamed event (the upstream holds the rest back 20 ms; p50).
 * Then the targets as ratios from this same run: for throughput, the median over
 * rounds of each round's ratio, the two contenders measured back to back.
 *
 * Needs `npm run build` (server.js and gateway.js) and PostgreSQL for Gatehouse's two
 * processes (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres).
 * Environment: BENCH_SECONDS (per load, default 5), BENCH_ROUNDS (each contender measured once
 * per round, in turn; the median round is reported; default 3), BENCH_CONNECTIONS (default 50),
 * BENCH_ONLY (comma-separated contender names), BENCH_PROFILE_DIR (Gatehouse's two processes
 * and the floors run with `node --cpu-prof` — or `--heap-prof` with BENCH_PROFILE_KIND=heap — and
 * write their profiles there on exit),
 * BENCH_HOLD_SECONDS (print each contender's URL and headers, then keep them up that long
 * before measuring: for perf, strace or a manual autocannon).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Client } from "undici";
import { adminUrl, createTestDatabase, dropTestDatabase } from "@/lib/testing/test-database";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ? path.resolve(process.env.BENCH_PROFILE_DIR) : null;
const root = process.cwd();
/** Node flags for a measured process: a CPU profile named after it when BENCH_PROFILE_DIR is set. */
const profiled = (name: string): string[] =>
  !PROFILE_DIR
    ? []
    : process.env.BENCH_PROFILE_KIND === "heap"
      ? ["--heap-prof", `--heap-prof-dir=${PROFILE_DIR}`, `--heap-prof-name=${name}.heapprofile`]
      : ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`];
const children: ChildProcess[] = [];
/** Node flags of an npm script (`exec node <flags> <file>`): Gatehouse's processes run as `npm start` and `npm run gateway` run them. */
const scriptFlags = (script: "start" | "gateway"): string[] => {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return scripts[script]!.split(/\s+/).filter((word) => word.startsWith("--"));
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function start(name: string, command: string[], env: Record<string, string>, cwd = root): ChildProcess {
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) console.error(`bench: ${name} exited ${code}:\n${out}`);
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, init: RequestInit = {}, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

/** Every process on this machine from /proc/<pid>/stat: parent, command name, CPU time (µs, user + system). */
function processes(): { pid: number; parent: number; name: string; cpuMicros: number }[] {
  const ticks = 100; // USER_HZ on Linux
  const found = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      found.push({ pid: Number(entry), parent: Number(fields[1]), name: stat.slice(stat.indexOf("(") + 1, close), cpuMicros: ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticks });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** CPU time (µs) of a process and all its descendants. */
function treeCpuMicros(pid: number): number {
  const all = processes();
  const want = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (want.has(p.parent) && !want.has(p.pid)) {
        want.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => want.has(p.pid)).reduce((sum, p) => sum + p.cpuMicros, 0);
}

/** CPU time (µs) of every PostgreSQL process on this machine (the request log's cost; ~0 for contenders that log nothing). */
function postgresCpuMicros(): number {
  return processes()
    .filter((p) => p.name === "postgres")
    .reduce((sum, p) => sum + p.cpuMicros, 0);
}

interface Contender {
  name: string;
  /** URL of the chat completions endpoint */
  url: string;
  headers: Record<string, string>;
  /** process whose CPU is counted (none for direct) */
  pid: number | null;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  cpuPerReq: number | null;
  /** PostgreSQL's CPU µs per request during the load (the request log) */
  dbPerReq: number;
  errors: number;
}

const body = (stream: boolean, model = "gpt-4o") => JSON.stringify({ model, messages: [{ role: "user", content: "Say hi" }], ...(stream ? { stream: true } : {}) });

async function load(c: Contender, stream: boolean, seconds: number): Promise<Load> {
  const before = c.pid ? treeCpuMicros(c.pid) : 0;
  const dbBefore = postgresCpuMicros();
  const result = await autocannon({ url: c.url, method: "POST", headers: { "content-type": "application/json", ...c.headers }, body: body(stream), connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  const cpu = c.pid ? treeCpuMicros(c.pid) - before : 0;
  const db = postgresCpuMicros() - dbBefore;
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerReq: c.pid && total > 0 ? cpu / total : null,
    dbPerReq: total > 0 ? db / total : 0,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** p50 of sequential calls on one keep-alive connection (ms), and p50 time to the first streamed event (ms). */
async function oneConnection(c: Contender): Promise<{ latency: number; firstEvent: number }> {
  const url = new URL(c.url);
  const client = new Client(url.origin, { keepAliveTimeout: 30_000 });
  const headers = { "content-type": "application/json", ...c.headers };
  const times: number[] = [];
  const until = performance.now() + 3_000;
  for (let i = 0; performance.now() < until || i < 200; i++) {
    const t0 = performance.now();
    const res = await client.request({ path: url.pathname, method: "POST", headers, body: body(false) });
    await res.body.arrayBuffer();
    if (i >= 20) times.push(performance.now() - t0);
  }
  const firsts: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const res = await client.request({ path: url.pathname, method: "POST", headers, body: body(true, "slow-stream") });
    let first = 0;
    for await (const chunk of res.body) {
      if (!first && chunk.toString().includes("data:")) first = performance.now() - t0;
    }
    if (i >= 10) firsts.push(first);
  }
  await client.close();
  return { latency: median(times), firstEvent: median(firsts) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  for (const file of [".next/standalone/server.js", ".next/standalone/gateway.js"]) {
    if (!fs.existsSync(path.join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    // A profiled process writes its profile as it exits: give it time.
    const until = Date.now() + (PROFILE_DIR ? 15_000 : 500);
    while (Date.now() < until && children.some((c) => c.exitCode === null && c.signalCode === null)) await new Promise((r) => setTimeout(r, 100));
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const clean of cleanups) await clean().catch(() => {});
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

  try {
    const contenders: Contender[] = [];
    const upstreamPort = await freePort();
    start("upstream", [process.execPath, "bench/gateway/upstream.mjs"], { PORT: String(upstreamPort) });
    const upstream = `http://127.0.0.1:${upstreamPort}`;
    await waitFor(`${upstream}/v1/chat/completions`, { method: "POST", body: body(false) });
    const want = (name: string) => !ONLY || ONLY.includes(name);

    if (want("direct")) contenders.push({ name: "direct", url: `${upstream}/v1/chat/completions`, headers: {}, pid: null });

    if (want("floor")) {
      const port = await freePort();
      const child = start("floor", [process.execPath, ...profiled("floor"), "bench/gateway/floor-proxy.mjs"], { PORT: String(port), UPSTREAM_URL: upstream });
      await waitFor(`http://127.0.0.1:${port}/v1/models`);
      contenders.push({ name: "floor", url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, pid: child.pid! });
    }

    if (want("next-floor")) {
      // Built in bench/.tmp (outside the app's own build) on every run, from bench/gateway/next-floor.
      const dir = path.join(root, "bench", ".tmp", "next-floor");
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(path.join(root, "bench", "gateway", "next-floor"), dir, { recursive: true });
      const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
      console.log("bench: building the bare Next.js route handler …");
      const built = spawnSync(process.execPath, [next, "build", "--no-lint"], { cwd: dir, encoding: "utf8", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
      if (built.status !== 0) throw new Error(`next build of the Next floor failed:\n${built.stdout}\n${built.stderr}`);
      const port = await freePort();
      const child = start("next-floor", [process.execPath, ...profiled("next-floor"), next, "start", "-p", String(port), "-H", "127.0.0.1"], { UPSTREAM_URL: upstream, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }, dir);
      await waitFor(`http://127.0.0.1:${port}/v1/models`);
      contenders.push({ name: "next-floor", url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, pid: child.pid! });
    }

    if (want("portkey")) {
      const port = await freePort();
      const child = start("portkey", [process.execPath, path.join(root, "node_modules/@portkey-ai/gateway/build/start-server.js"), `--port=${port}`, "--headless"], { NODE_ENV: "production" });
      const headers = { authorization: "Bearer sk-bench", "x-portkey-provider": "openai", "x-portkey-custom-host": `${upstream}/v1` };
      await waitFor(`http://127.0.0.1:${port}/v1/chat/completions`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: body(false) });
      contenders.push({ name: "portkey", url: `http://127.0.0.1:${port}/v1/chat/completions`, headers, pid: child.pid! });
    }

    if (want("gh-server") || want("gh-route") || want("gh-alone")) {
      const admin = adminUrl() ?? "postgres://postgres@127.0.0.1:5432/postgres";
      const db = await createTestDatabase(admin, "benchgw");
      cleanups.push(() => dropTestDatabase(admin, db.name));
      const env: Record<string, string> = { DATABASE_URL: db.url, GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"), NODE_ENV: "production", GATEHOUSE_LISTEN_HOST: "127.0.0.1" };
      const appPort = await freePort();
      const app = start("gatehouse", [process.execPath, ...scriptFlags("start"), ...profiled("gh-server"), ".next/standalone/server.js"], { ...env, PORT: String(appPort) });
      const appUrl = `http://127.0.0.1:${appPort}`;
      await waitFor(`${appUrl}/api/ready`);
      const routePort = await freePort();
      const route = want("gh-route") ? start("gatehouse-route", [process.execPath, ...scriptFlags("start"), ...profiled("gh-route"), ".next/standalone/server.js"], { ...env, PORT: String(routePort), GATEHOUSE_GATEWAY_MOUNT: "next" }) : null;
      if (route) await waitFor(`http://127.0.0.1:${routePort}/api/ready`);
      const gwPort = await freePort();
      const alone = start("gatehouse-gateway", [process.execPath, ...scriptFlags("gateway"), ...profiled("gh-alone"), ".next/standalone/gateway.js"], { ...env, GATEHOUSE_GATEWAY_PORT: String(gwPort) });
      await waitFor(`http://127.0.0.1:${gwPort}/api/ready`);

      const setup = await fetch(`${appUrl}/api/v1/auth/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "bench-admin-password" }) });
      if (!setup.ok) throw new Error(`setup answered ${setup.status}: ${await setup.text()}`);
      const cookie = setup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const authed = { "content-type": "application/json", cookie, origin: appUrl };
      let res = await fetch(`${appUrl}/api/v1/providers`, {
        method: "POST",
        headers: authed,
        body: JSON.stringify({ apiType: "openai-completions", key: "bench", name: "Bench upstream", baseUrl: `${upstream}/v1`, apiKey: "sk-bench-upstream-key", models: [{ id: "gpt-4o", inputCostPerMTok: 2.5, outputCostPerMTok: 10 }] }),
      });
      if (res.status !== 201) throw new Error(`creating the provider answered ${res.status}: ${await res.text()}`);
      res = await fetch(`${appUrl}/api/v1/keys`, { method: "POST", headers: authed, body: JSON.stringify({ name: "bench" }) });
      if (res.status !== 201) throw new Error(`creating the key answered ${res.status}: ${await res.text()}`);
      const { secret } = (await res.json()) as { secret: string };
      const headers = { authorization: `Bearer ${secret}` };
      if (want("gh-server")) contenders.push({ name: "gh-server", url: `${appUrl}/gateway/bench/v1/chat/completions`, headers, pid: app.pid! });
      if (route) contenders.push({ name: "gh-route", url: `http://127.0.0.1:${routePort}/gateway/bench/v1/chat/completions`, headers, pid: route.pid! });
      if (want("gh-alone")) contenders.push({ name: "gh-alone", url: `http://127.0.0.1:${gwPort}/gateway/bench/v1/chat/completions`, headers, pid: alone.pid! });
    }

    // Each ratio's two contenders are measured back to back (floor, standalone, app's server;
    // bare Next route, Next mount), so drift in the machine's load between them stays small.
    const ORDER = ["direct", "floor", "gh-alone", "gh-server", "next-floor", "gh-route", "portkey"];
    contenders.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
    console.log(`bench: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ${CONNECTIONS} connections, ${SECONDS} s per load`);
    const hold = Number(process.env.BENCH_HOLD_SECONDS ?? 0);
    if (hold > 0) {
      for (const c of contenders) console.log(`bench: ${c.name} pid ${c.pid ?? "—"} ${c.url} ${JSON.stringify(c.headers)}`);
      await new Promise((r) => setTimeout(r, hold * 1000));
    }
    // Rounds: every contender is measured once per round, in turn (the order reversed every
    // other round, so neither of a pair always goes first), and its median round is reported;
    // ratios are the median of each round's ratio between loads taken back to back — drift on
    // a shared machine (another process waking up) then hits both sides of a ratio alike.
    const results = new Map<string, { plain: Load; streamed: Load; latency: number; firstEvent: number }>();
    const rounds = new Map<string, { plain: Load[]; streamed: Load[] }>();
    for (const c of contenders) {
      await load(c, false, 2); // warm-up: JIT, pools, caches
      rounds.set(c.name, { plain: [], streamed: [] });
    }
    for (let round = 1; round <= ROUNDS; round++) {
      process.stdout.write(`bench: round ${round}/${ROUNDS}:`);
      for (const c of round % 2 === 1 ? contenders : [...contenders].reverse()) {
        const r = rounds.get(c.name)!;
        r.plain.push(await load(c, false, SECONDS));
        r.streamed.push(await load(c, true, SECONDS));
        process.stdout.write(` ${c.name} ${Math.round(r.plain.at(-1)!.rps)}/${Math.round(r.streamed.at(-1)!.rps)}`);
      }
      process.stdout.write(" req/s (plain/streamed)\n");
    }
    const medianLoad = (loads: Load[]) => [...loads].sort((a, b) => a.rps - b.rps)[Math.floor(loads.length / 2)]!;
    for (const c of contenders) {
      const r = rounds.get(c.name)!;
      results.set(c.name, { plain: medianLoad(r.plain), streamed: medianLoad(r.streamed), ...(await oneConnection(c)) });
    }

    const f = (n: number | null, digits = 0) => (n === null || Number.isNaN(n) ? "—" : n.toFixed(digits));
    console.log("");
    console.log("contender    | plain req/s  p50  p99  CPU µs/req | streamed req/s  p50  p99  CPU µs/req | 1-conn ms | 1st event ms | DB µs/req | errors");
    for (const [name, r] of results) {
      console.log(
        `${name.padEnd(12)} | ${f(r.plain.rps).padStart(11)} ${f(r.plain.p50).padStart(4)} ${f(r.plain.p99).padStart(4)} ${f(r.plain.cpuPerReq).padStart(11)} | ${f(r.streamed.rps).padStart(14)} ${f(r.streamed.p50).padStart(4)} ${f(r.streamed.p99).padStart(4)} ${f(r.streamed.cpuPerReq).padStart(11)} | ${f(r.latency, 3).padStart(9)} | ${f(r.firstEvent, 2).padStart(12)} | ${f(r.plain.dbPerReq).padStart(9)} | ${r.plain.errors + r.streamed.errors}`,
      );
    }
    /** Median over rounds of `a`'s req/s / `b`'s req/s in the same round (loads taken back to back). */
    const ratio = (a: string, b: string, kind: "plain" | "streamed"): number => {
      const ra = rounds.get(a)![kind];
      const rb = rounds.get(b)![kind];
      return median(ra.map((load, i) => load.rps / rb[i]!.rps));
    };
    const floor = results.get("floor");
    const nextFloor = results.get("next-floor");
    const alone = results.get("gh-alone");
    const inNext = results.get("gh-route");
    const server = results.get("gh-server");
    console.log("");
    const check = (label: string, value: number | undefined, target: string, ok: boolean | undefined) =>
      console.log(`${label.padEnd(58)} ${value === undefined ? "—" : value.toFixed(3).padStart(8)}  target ${target.padEnd(10)} ${ok === undefined ? "" : ok ? "met" : "NOT met"}`);
    if (floor && alone) {
      const plain = ratio("gh-alone", "floor", "plain");
      const streamed = ratio("gh-alone", "floor", "streamed");
      check("standalone / floor, plain req/s", plain, "≥ 0.60", plain >= 0.6);
      check("standalone / floor, streamed req/s", streamed, "≥ 0.60", streamed >= 0.6);
      check("standalone − floor, one-connection latency (ms)", alone.latency - floor.latency, "≤ 0.5", alone.latency - floor.latency <= 0.5);
      check("standalone − floor, first streamed event (ms)", alone.firstEvent - floor.firstEvent, "≤ 1", alone.firstEvent - floor.firstEvent <= 1);
    }
    if (nextFloor && inNext) {
      const plain = ratio("gh-route", "next-floor", "plain");
      const streamed = ratio("gh-route", "next-floor", "streamed");
      check("Next mount / bare Next route, plain req/s", plain, "≥ 0.85", plain >= 0.85);
      check("Next mount / bare Next route, streamed req/s", streamed, "≥ 0.85", streamed >= 0.85);
    }
    if (floor && inNext) {
      check("Next mount − floor, first streamed event (ms)", inNext.firstEvent - floor.firstEvent, "≤ 1", inNext.firstEvent - floor.firstEvent <= 1);
      check("Next mount − floor, one-connection latency (ms)", inNext.latency - floor.latency, "(info)", undefined);
    }
    // The app's own server (npm start) answering /gateway before Next.js: the same process and
    // port as the app, at the standalone listener's cost.
    if (floor && server) {
      const plain = ratio("gh-server", "floor", "plain");
      const streamed = ratio("gh-server", "floor", "streamed");
      check("app server (gateway before Next) / floor, plain req/s", plain, "≥ 0.60", plain >= 0.6);
      check("app server (gateway before Next) / floor, streamed req/s", streamed, "≥ 0.60", streamed >= 0.6);
      check("app server (gateway before Next) − floor, 1st event (ms)", server.firstEvent - floor.firstEvent, "≤ 1", server.firstEvent - floor.firstEvent <= 1);
      check("app server (gateway before Next) − floor, 1-conn latency (ms)", server.latency - floor.latency, "≤ 0.5", server.latency - floor.latency <= 0.5);
    }
    if (nextFloor && server) check("app server (gateway before Next) / bare Next route, plain req/s", ratio("gh-server", "next-floor", "plain"), "(info)", undefined);
    // What the mount adds over Next.js's own handling of a bare forwarding route.
    if (nextFloor && inNext) {
      check("Next mount − bare Next route, first streamed event (ms)", inNext.firstEvent - nextFloor.firstEvent, "(info)", undefined);
      check("Next mount − bare Next route, one-connection latency (ms)", inNext.latency - nextFloor.latency, "(info)", undefined);
    }
    if (nextFloor && floor) check("bare Next route − floor, first streamed event (ms)", nextFloor.firstEvent - floor.firstEvent, "(info)", undefined);
    const portkey = results.get("portkey");
    if (portkey && floor) check("Portkey − floor, first streamed event (ms)", portkey.firstEvent - floor.firstEvent, "(peer)", undefined);
    if (portkey && alone) check("standalone / Portkey, plain CPU µs per request", (alone.plain.cpuPerReq ?? NaN) / (portkey.plain.cpuPerReq ?? NaN), "(peer)", undefined);
    console.log(`bench: load average now ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench: ${err.message}`);
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    process.exit(1);
  },
);
