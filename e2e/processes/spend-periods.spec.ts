import path from "node:path";
import OpenAI, { RateLimitError } from "openai";
import postgres from "postgres";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { startFakeOpenAI } from "../fixtures/api";
import { freePort, sharedPostgres, startAppProcess, type AppProcess } from "../fixtures/app-process";
import { testClock, type TestClock } from "../fixtures/clock";
import { adminClient } from "../fixtures/gateway-setup";

// Budget periods rolling over at their UTC boundaries, in real processes: the app server
// (`npm start`) and the standalone gateway listener (`npm run gateway`) on one PostgreSQL,
// their wall clocks moved together by a test-only preload (e2e/fixtures/clock-shift.cjs) to
// just before a boundary. For each period the budget is spent through one process, the next
// call is refused by both (a 429 the openai SDK raises as RateLimitError), and once the
// boundary has passed both let calls through again; a budget does not reset at a lesser
// boundary (a week's at midnight, a month's on Monday). The same rules with a driven clock
// and no processes: lib/limits/admission.test.ts.
//
// The calendar (2027, all UTC):
//   Tue 02 Feb 23:59 → Wed 03 Feb   a day ends; the week and the month go on
//   Sun 07 Feb 23:59 → Mon 08 Feb   a week ends; the month goes on
//   Wed 31 Mar 23:59 → Thu 01 Apr   a month ends

// $1000 per million tokens each way: a call to the fake upstream (14 tokens) costs $0.014,
// so a $0.02 budget lets one call through, a second crosses it, and a third is refused.
const MODEL = { id: "priced-model", inputCostPerMTok: 1000, outputCostPerMTok: 1000 };
const BUDGET = 0.02;
/** Spending happens this long before a boundary; the clock then jumps to just before it. */
const SPEND_MARGIN_MS = 90_000;
const JUMP_BEFORE_MS = 3_000;

type Period = "day" | "week" | "month";

test.describe.serial("budget periods reset at their UTC boundaries, on two processes sharing one PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof sharedPostgres>>;
  let clock: TestClock;
  let app: AppProcess;
  let gateway: AppProcess;
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let api: APIRequestContext;
  let sql: postgres.Sql;
  let provider: string;
  /** A key with a daily budget, one with a monthly budget, and a key of a user with a weekly budget. */
  const keys = {} as Record<Period, { subject: string; secret: string; limit: string }>;

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    db = await sharedPostgres("periods");
    clock = testClock();
    const env = { ...db.env, ...clock.env };
    app = await startAppProcess({ env, timeoutMs: 120_000 });
    const port = await freePort();
    gateway = await startAppProcess({ command: [process.execPath, path.join(process.cwd(), ".next/standalone/gateway.js")], port, env: { ...env, GATEHOUSE_GATEWAY_PORT: String(port) }, timeoutMs: 120_000 });
    upstream = await startFakeOpenAI();
    sql = postgres(db.url, { max: 1, onnotice: () => {} });

    // Everything set up at the real time (sessions and keys are dated now); from here on
    // only virtual keys are used, so the clock may move ahead months.
    api = await adminClient(app.url);
    provider = `periods-${Date.now().toString(36)}`;
    let res = await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key: provider, name: "Priced upstream", baseUrl: `${upstream.url}/v1`, apiKey: "sk-upstream", models: [MODEL] } });
    expect(res.status(), await res.text()).toBe(201);

    const newKey = async (data: Record<string, unknown>) => {
      const made = await api.post("/api/v1/keys", { data: { name: `periods ${Math.random().toString(36).slice(2, 8)}`, ...data } });
      expect(made.status(), await made.text()).toBe(201);
      const json = await made.json();
      return { id: json.key.id as string, secret: json.secret as string };
    };
    const day = await newKey({ budgetUsd: BUDGET, budgetPeriod: "day" });
    const month = await newKey({ budgetUsd: BUDGET, budgetPeriod: "month" });
    res = await api.post("/api/v1/users", { data: { username: "weekly-budgeted", password: "weekly-budgeted-password" } });
    expect(res.status(), await res.text()).toBe(201);
    const userId = (await res.json()).user.id as string;
    res = await api.patch(`/api/v1/users/${userId}/limits`, { data: { budgetUsd: BUDGET, budgetPeriod: "week" } });
    expect(res.status(), await res.text()).toBe(200);
    const week = await newKey({ userId });
    keys.day = { subject: `key:${day.id}`, secret: day.secret, limit: "key_budget_day" };
    keys.week = { subject: `user:${userId}`, secret: week.secret, limit: "user_budget_week" };
    keys.month = { subject: `key:${month.id}`, secret: month.secret, limit: "key_budget_month" };
  });

  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === testInfo.expectedStatus) return;
    await testInfo.attach("app server output", { body: app?.output() ?? "", contentType: "text/plain" });
    await testInfo.attach("gateway listener output", { body: gateway?.output() ?? "", contentType: "text/plain" });
  });

  test.afterAll(async () => {
    await api?.dispose();
    await sql?.end();
    await upstream?.close();
    await Promise.all([app?.stop(), gateway?.stop()]);
    await db?.drop();
    clock?.remove();
  });

  const client = (proc: AppProcess, secret: string) => new OpenAI({ apiKey: secret, baseURL: `${proc.url}/gateway/${provider}/v1`, maxRetries: 0 });
  const complete = (proc: AppProcess, period: Period) => client(proc, keys[period].secret).chat.completions.create({ model: MODEL.id, messages: [{ role: "user", content: "hi" }] });
  const name = (proc: AppProcess) => (proc === app ? "the app server" : "the gateway listener");

  /** Spends the budget through one process: two calls, then waits until the shared counters hold both. */
  async function spend(proc: AppProcess, period: Period, periodStart: string) {
    for (let i = 0; i < 2; i++) {
      const done = await complete(proc, period);
      expect(done.usage?.total_tokens, `a call's tokens through ${name(proc)}`).toBe(14);
    }
    await expect
      .poll(
        async () => {
          const [row] = await sql<{ cost: string; start: Date }[]>`select ${sql(`${period}_cost_usd`)}::text as cost, ${sql(`${period}_start`)} as start from spend_counters where subject = ${keys[period].subject}`;
          return row ? { cost: Number(row.cost), start: row.start.toISOString() } : null;
        },
        { message: `the ${period} counter of ${keys[period].subject} after two calls through ${name(proc)}`, timeout: 15_000 },
      )
      .toEqual({ cost: 0.028, start: new Date(periodStart).toISOString() });
  }

  /** Both processes refuse the next call with the period's budget, and say when it resets. */
  async function refusedByBoth(period: Period, resets: string) {
    for (const proc of [app, gateway]) {
      const err = await complete(proc, period).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `${name(proc)} refuses a call over the ${period} budget (${clock.now().toISOString()})`).toBeInstanceOf(RateLimitError);
      const limited = err as RateLimitError;
      expect(limited.status).toBe(429);
      expect(limited.headers?.get("x-gatehouse-limit")).toBe(keys[period].limit);
      expect(limited.message).toContain(`per ${period}`);
      expect(limited.message).toContain(new Date(resets).toISOString());
      const expected = (new Date(resets).getTime() - clock.now().getTime()) / 1000;
      expect(Math.abs(Number(limited.headers?.get("retry-after")) - expected), `retry-after ${limited.headers?.get("retry-after")} s, ${expected} s to ${resets}`).toBeLessThan(10);
    }
  }

  /** Both processes let a call through again (the first crosses nothing: one call is under the budget). */
  async function allowedByBoth(period: Period) {
    for (const proc of [app, gateway]) {
      const done = await complete(proc, period).catch((e: unknown) => {
        throw new Error(`${name(proc)} refused a call on the ${period} budget at ${clock.now().toISOString()}: ${(e as Error).message}`);
      });
      expect(done.choices[0]?.message.content).toBeTruthy();
    }
  }

  /** Jumps to just before `boundary` (checking the spending phase fit in its margin), then waits until it has passed. */
  async function crossBoundary(boundary: string) {
    const at = new Date(boundary).getTime();
    expect(clock.now().getTime(), `the steps before ${boundary} took longer than their ${SPEND_MARGIN_MS / 1000} s margin`).toBeLessThan(at - JUMP_BEFORE_MS);
    await clock.set(new Date(at - JUMP_BEFORE_MS));
    await clock.until(new Date(at + 1_000));
  }

  test("a daily budget resets at 00:00 UTC; a weekly one spent the same day stays spent (Tuesday → Wednesday)", async () => {
    const boundary = "2027-02-03T00:00:00Z";
    await clock.set(new Date(new Date(boundary).getTime() - SPEND_MARGIN_MS));
    await spend(app, "day", "2027-02-02T00:00:00Z");
    await refusedByBoth("day", boundary);
    await spend(gateway, "week", "2027-02-01T00:00:00Z");
    await refusedByBoth("week", "2027-02-08T00:00:00Z");

    await crossBoundary(boundary);
    await allowedByBoth("day");
    await refusedByBoth("week", "2027-02-08T00:00:00Z");
  });

  test("a weekly budget resets on Monday 00:00 UTC; a monthly one spent that Sunday stays spent", async () => {
    const boundary = "2027-02-08T00:00:00Z";
    await clock.set(new Date(new Date(boundary).getTime() - SPEND_MARGIN_MS));
    await refusedByBoth("week", boundary); // spent on Tuesday, still this ISO week on Sunday
    await spend(gateway, "month", "2027-02-01T00:00:00Z");
    await refusedByBoth("month", "2027-03-01T00:00:00Z");

    await crossBoundary(boundary);
    await allowedByBoth("week");
    await refusedByBoth("month", "2027-03-01T00:00:00Z");
  });

  test("a monthly budget resets on the 1st 00:00 UTC (a Thursday: no week boundary with it)", async () => {
    const boundary = "2027-04-01T00:00:00Z";
    await clock.set(new Date(new Date(boundary).getTime() - SPEND_MARGIN_MS));
    // February's spend is behind it; March's is spent through the app server, then refused by both.
    await spend(app, "month", "2027-03-01T00:00:00Z");
    await refusedByBoth("month", boundary);

    await crossBoundary(boundary);
    await allowedByBoth("month");
  });
});
