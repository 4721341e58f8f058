/**
 * npm run bench:usage — the Usage page's queries at a million logged calls.
 *
 * Creates a fresh PostgreSQL database (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432),
 * migrates it, and seeds 40 users, 200 virtual keys, 5 providers × 4 models and
 * BENCH_ROWS (default 1,000,000) request_logs rows spread over the last 30 days with one
 * INSERT … SELECT generate_series (the usage_hourly trigger sums them as it would live).
 * Then runs each query the page makes — totals, chart series, the four breakdowns, the
 * first page of calls — BENCH_RUNS times (default 25) for several filter sets, and the
 * same aggregations straight over request_logs (the baseline: what they would cost
 * without the rollup), alternating so drift hits both alike. Prints p50/p99 (ms) and
 * the baseline/rollup ratio. Target: every page query p50 < 200 ms. Drops the database.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { adminUrl, createTestDatabase, dropTestDatabase } from "@/lib/testing/test-database";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const admin = adminUrl() ?? "postgres://postgres@127.0.0.1:5432/postgres";

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const created = await createTestDatabase(admin, "benchusage");
  process.env.DATABASE_URL = created.url;
  process.env.GATEHOUSE_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  const { getDb, closeDb } = await import("@/lib/db/client");
  const dashboard = await import("@/lib/usage/dashboard");
  const { parseUsageFilters } = await import("@/lib/usage/filters");
  try {
    const db = await getDb();
    console.log(`seeding ${ROWS.toLocaleString("en")} request_logs rows in ${created.name} …`);
    let t = performance.now();
    await db.execute(sql`insert into users (username, role) select 'bench-user-' || g, case when g = 1 then 'admin' else 'user' end from generate_series(1, 40) g`);
    await db.execute(sql`insert into virtual_keys (name, key_hash, display_prefix, user_id)
      select 'bench-key-' || g, md5('k' || g), 'sk-gh-bench', (select id from users order by username offset (g % 40) limit 1) from generate_series(1, 200) g`);
    await db.execute(sql`insert into providers (key, name, api_type, base_url) select 'bench-p' || g, 'Bench ' || g, 'openai-completions', 'http://127.0.0.1:9/v1' from generate_series(1, 5) g`);
    await db.execute(sql`
      with k as (select row_number() over (order by id) - 1 as n, id, user_id from virtual_keys),
           p as (select row_number() over (order by key) - 1 as n, id, key from providers)
      insert into request_logs (virtual_key_id, user_id, provider_id, provider_key, method, path, model, stream, status, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttfb_ms, outcome, limit_refused, created_at)
      select k.id, k.user_id, p.id, p.key, 'POST', '/v1/chat/completions', 'model-' || (g % 4), g % 3 = 0,
             case when g % 50 = 0 then 429 when g % 37 = 0 then 500 else 200 end,
             100 + g % 900, 20 + g % 300, ((100 + g % 900) * 0.15 + (20 + g % 300) * 0.6) / 1000000.0, 200 + g % 3000, 80 + g % 500,
             case when g % 50 = 0 then 'limited' when g % 37 = 0 then 'upstream_error' else 'success' end,
             case when g % 50 = 0 then 'key_rpm' end,
             now() - (g::float / ${ROWS}) * interval '30 days'
      from generate_series(1, ${ROWS}) g
      join k on k.n = g % 200
      join p on p.n = g % 5`);
    await db.execute(sql`analyze`);
    const seeded = (performance.now() - t) / 1000;
    const [{ n: rollupRows } = { n: 0 }] = (await db.execute(sql`select count(*)::int as n from usage_hourly`)) as unknown as { n: number }[];
    console.log(`seeded in ${seeded.toFixed(1)} s; usage_hourly holds ${Number(rollupRows).toLocaleString("en")} rows\n`);

    const adminUser = ((await db.execute(sql`select id from users where role = 'admin' limit 1`)) as unknown as { id: string }[])[0]!.id;
    const someUser = ((await db.execute(sql`select id from users where role = 'user' order by username limit 1`)) as unknown as { id: string }[])[0]!.id;
    const someKey = ((await db.execute(sql`select id from virtual_keys order by name limit 1`)) as unknown as { id: string }[])[0]!.id;
    const adminActor = { userId: adminUser, role: "admin" as const };
    const userActor = { userId: someUser, role: "user" as const };
    const today = new Date().toISOString().slice(0, 10);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);

    const cases = [
      { name: "admin, 7 days", actor: adminActor, params: {} as Record<string, string>, raw: sql`true` },
      { name: "admin, 30 days", actor: adminActor, params: { from: daysAgo(30), to: today }, raw: sql`true` },
      { name: "admin, 30 days, one key", actor: adminActor, params: { from: daysAgo(30), to: today, keyId: someKey }, raw: sql`virtual_key_id = ${someKey}` },
      { name: "admin, 30 days, provider+model", actor: adminActor, params: { from: daysAgo(30), to: today, provider: "bench-p1", model: "model-1" }, raw: sql`provider_key = 'bench-p1' and model = 'model-1'` },
      { name: "user (own calls), 30 days", actor: userActor, params: { from: daysAgo(30), to: today }, raw: sql`user_id = ${someUser}` },
    ];

    const rows: { case: string; query: string; p50: number; p99: number; baseP50: number | null; baseP99: number | null }[] = [];
    for (const c of cases) {
      const filters = parseUsageFilters(c.params);
      const range = sql`created_at >= ${filters.from.toISOString()}::timestamptz and created_at < ${filters.end.toISOString()}::timestamptz and ${c.raw}`;
      const bucket = filters.bucket;
      const queries: { name: string; run: () => Promise<unknown>; baseline?: () => Promise<unknown> }[] = [
        {
          name: "totals",
          run: () => dashboard.getRangeTotals({ actor: c.actor, filters }),
          baseline: () => db.execute(sql`select count(*), count(*) filter (where status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd) from request_logs where ${range}`),
        },
        {
          name: "chart series",
          run: () => dashboard.getUsageSeries({ actor: c.actor, filters }),
          baseline: () => db.execute(sql`select date_trunc(${bucket}, created_at, 'UTC') b, count(*), sum(prompt_tokens + completion_tokens), sum(cost_usd) from request_logs where ${range} group by b order by b`),
        },
        ...(["user", "key", "provider", "model"] as const).map((by) => ({
          name: `breakdown by ${by}`,
          run: () => dashboard.getBreakdown({ actor: c.actor, filters, by }),
          baseline: () =>
            db.execute(
              sql`select ${sql.raw({ user: "user_id", key: "virtual_key_id", provider: "provider_key", model: "model" }[by])} d, count(*), sum(prompt_tokens + completion_tokens), sum(cost_usd) c from request_logs where ${range} group by d order by c desc nulls last limit 10`,
            ),
        })),
        { name: "calls, first page", run: () => dashboard.listCalls({ actor: c.actor, filters }) },
      ];
      for (const q of queries) {
        const times: number[] = [];
        const base: number[] = [];
        await q.run();
        if (q.baseline) await q.baseline();
        for (let i = 0; i < RUNS; i++) {
          t = performance.now();
          await q.run();
          times.push(performance.now() - t);
          if (q.baseline) {
            t = performance.now();
            await q.baseline();
            base.push(performance.now() - t);
          }
        }
        rows.push({ case: c.name, query: q.name, p50: percentile(times, 50), p99: percentile(times, 99), baseP50: base.length ? percentile(base, 50) : null, baseP99: base.length ? percentile(base, 99) : null });
      }
    }

    const f = (n: number | null) => (n === null ? "—" : n.toFixed(1));
    console.log(`${ROWS.toLocaleString("en")} rows, ${RUNS} runs each. Times in ms; baseline = the same aggregation over request_logs.`);
    console.log(["case".padEnd(32), "query".padEnd(22), "p50".padStart(8), "p99".padStart(8), "base p50".padStart(10), "base p99".padStart(10), "base/rollup".padStart(12)].join(" "));
    for (const r of rows) {
      console.log(
        [r.case.padEnd(32), r.query.padEnd(22), f(r.p50).padStart(8), f(r.p99).padStart(8), f(r.baseP50).padStart(10), f(r.baseP99).padStart(10), (r.baseP50 === null ? "—" : `${(r.baseP50 / r.p50).toFixed(1)}×`).padStart(12)].join(" "),
      );
    }
    const page = new Map<string, number>();
    for (const r of rows) page.set(r.case, (page.get(r.case) ?? 0) + r.p50);
    console.log("\nWhole page (sum of its queries' p50, run one after another; the page runs them in parallel):");
    for (const [name, total] of page) console.log(`  ${name.padEnd(32)} ${total.toFixed(1)} ms`);
    const worst = Math.max(...rows.map((r) => r.p50));
    console.log(`\nslowest query p50: ${worst.toFixed(1)} ms — target < 200 ms: ${worst < 200 ? "met" : "NOT met"}`);
  } finally {
    await closeDb();
    await dropTestDatabase(admin, created.name);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
