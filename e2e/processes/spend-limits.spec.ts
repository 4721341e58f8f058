import OpenAI, { RateLimitError } from "openai";
import postgres from "postgres";
import { expect, test } from "@playwright/test";
import { SESSION_COOKIE } from "@/lib/credentials/sessions";
import { sharedPostgres, startAppProcess, type AppProcess } from "../fixtures/app-process";
import { startFakeOpenAI } from "../fixtures/api";

// Budgets and rate limits with two Gatehouse processes on one PostgreSQL: calls alternate
// between the processes, and the limit trips on the total, not on each process's share.
// Here the minute limits also recover in real time; budget periods rolling over at their UTC
// boundaries (day, week, month), on two processes with their clocks moved: spend-periods.spec.ts.

const ADMIN = { username: "limits-admin", password: "limits-admin-password" };
// $1000 per million tokens each way: a call to the fake upstream (14 tokens) costs $0.014.
const MODEL = { id: "priced-model", inputCostPerMTok: 1000, outputCostPerMTok: 1000 };

test.describe.serial("budgets and rate limits shared by two processes", () => {
  let db: Awaited<ReturnType<typeof sharedPostgres>>;
  let a: AppProcess;
  let b: AppProcess;
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let cookie: string;
  let sql: postgres.Sql;
  const provider = "limited-upstream";

  test.beforeAll(async () => {
    db = await sharedPostgres("limits");
    a = await startAppProcess({ env: db.env, timeoutMs: 120_000 });
    b = await startAppProcess({ env: db.env, timeoutMs: 120_000 });
    upstream = await startFakeOpenAI();
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const setup = await fetch(`${a.url}/api/v1/auth/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
    expect(setup.status).toBe(201);
    cookie = setup.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!;
    const made = await api("POST", "/api/v1/providers", { apiType: "openai-completions", key: provider, name: "Limited upstream", baseUrl: `${upstream.url}/v1`, apiKey: "sk-upstream", models: [MODEL] });
    expect(made.status).toBe(201);
  });

  test.afterAll(async () => {
    await sql?.end();
    await upstream?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${a.url}${path}`, { method, headers: { cookie, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  }

  async function newKey(fields: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const res = await api("POST", "/api/v1/keys", { name: `limited ${Math.random().toString(36).slice(2, 8)}`, ...fields });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return { id: (res.json.key as { id: string }).id, secret: res.json.secret as string };
  }

  const client = (proc: AppProcess, secret: string) => new OpenAI({ apiKey: secret, baseURL: `${proc.url}/gateway/${provider}/v1`, maxRetries: 0 });
  const complete = (proc: AppProcess, secret: string) => client(proc, secret).chat.completions.create({ model: MODEL.id, messages: [{ role: "user", content: "hi" }] });

  async function refusal(proc: AppProcess, secret: string): Promise<RateLimitError> {
    const err = await complete(proc, secret).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RateLimitError);
    return err as RateLimitError;
  }

  /** Waits until the counters hold what both processes logged (written after each answer). */
  async function countersSettled(subject: string, minCost: number) {
    await expect.poll(async () => Number((await sql<{ c: string }[]>`select coalesce(max(month_cost_usd), 0)::text as c from spend_counters where subject = ${subject}`)[0]?.c ?? 0)).toBeGreaterThanOrEqual(minCost);
  }

  /** Waits until at least `spare` seconds remain in the current UTC minute, so a test's calls share one. */
  async function startOfMinute(spare: number) {
    const left = 60 - new Date().getUTCSeconds();
    if (left < spare) await new Promise((r) => setTimeout(r, left * 1000 + 200));
  }

  test("requests per minute count both processes' calls, refuse with a 429 the openai SDK reads as RateLimitError, and recover next minute", async () => {
    const key = await newKey({ requestsPerMinute: 3 });
    await startOfMinute(30);
    await complete(a, key.secret);
    await complete(b, key.secret);
    await complete(a, key.secret);
    const err = await refusal(b, key.secret);
    expect(err.status).toBe(429);
    expect(err.headers?.get("x-gatehouse-limit")).toBe("key_rpm");
    const retryAfter = Number(err.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(err.message).toContain("3 requests per minute");
    expect((await refusal(a, key.secret)).headers?.get("x-gatehouse-limit")).toBe("key_rpm");

    await expect.poll(async () => (await sql`select 1 from request_logs where virtual_key_id = ${key.id}`).length).toBe(5);
    const rows = await sql<{ outcome: string; limit_refused: string | null; status: number }[]>`select outcome, limit_refused, status from request_logs where virtual_key_id = ${key.id} order by id`;
    expect(rows.filter((r) => r.outcome === "limited")).toHaveLength(2);
    expect(rows.filter((r) => r.outcome === "limited").every((r) => r.limit_refused === "key_rpm" && r.status === 429)).toBe(true);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 500));
    expect((await complete(b, key.secret)).choices[0]?.message.content).toBeTruthy();
  });

  test("tokens per minute: the next call after both processes' tokens reach the limit is refused, until the next minute", async () => {
    const key = await newKey({ tokensPerMinute: 25 });
    await startOfMinute(40);
    const first = await complete(a, key.secret);
    const tokens = first.usage!.total_tokens;
    expect(tokens).toBeLessThan(25);
    expect(2 * tokens).toBeGreaterThanOrEqual(25);
    await expect.poll(async () => Number((await sql<{ t: string }[]>`select minute_tokens::text as t from spend_counters where subject = ${`key:${key.id}`}`)[0]?.t ?? 0)).toBe(tokens);
    await complete(b, key.secret);
    await expect.poll(async () => Number((await sql<{ t: string }[]>`select minute_tokens::text as t from spend_counters where subject = ${`key:${key.id}`}`)[0]?.t ?? 0)).toBe(2 * tokens);
    const err = await refusal(a, key.secret);
    expect(err.headers?.get("x-gatehouse-limit")).toBe("key_tpm");
    await new Promise((r) => setTimeout(r, Number(err.headers?.get("retry-after")) * 1000 + 500));
    await complete(a, key.secret);
  });

  test("a key's daily budget spent through one process stops the next call on the other; retry-after points at 00:00 UTC", async () => {
    const key = await newKey({ budgetUsd: 0.02, budgetPeriod: "day" });
    await complete(a, key.secret);
    await countersSettled(`key:${key.id}`, 0.01);
    await complete(b, key.secret); // still under: this is the call that crosses the budget
    await countersSettled(`key:${key.id}`, 0.02);
    const err = await refusal(a, key.secret);
    expect(err.headers?.get("x-gatehouse-limit")).toBe("key_budget_day");
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    expect(Math.abs(Number(err.headers?.get("retry-after")) - (midnight - now.getTime()) / 1000)).toBeLessThan(5);
    expect((await refusal(b, key.secret)).headers?.get("x-gatehouse-limit")).toBe("key_budget_day");

    const keys = await api("GET", "/api/v1/keys");
    const listed = (keys.json.keys as { id: string; spend: { spentUsd: number; period: string } }[]).find((k) => k.id === key.id)!;
    expect(listed.spend.period).toBe("day");
    expect(listed.spend.spentUsd).toBeGreaterThanOrEqual(0.02);
  });

  test("back-to-back calls on one process: the call after the one that spends the budget is refused at once", async () => {
    const key = await newKey({ budgetUsd: 0.02, budgetPeriod: "day" });
    // No waiting for the counters: each call starts the moment the previous one ends.
    await complete(a, key.secret);
    await complete(a, key.secret); // crosses the budget
    expect((await refusal(a, key.secret)).headers?.get("x-gatehouse-limit")).toBe("key_budget_day");
  });

  test("a user's monthly budget holds across the user's keys and both processes", async () => {
    const user = await api("POST", "/api/v1/users", { username: "budgeted", password: "budgeted-password-1" });
    expect(user.status).toBe(201);
    const userId = (user.json.user as { id: string }).id;
    const limits = await api("PATCH", `/api/v1/users/${userId}/limits`, { budgetUsd: 0.01, budgetPeriod: "month" });
    expect(limits.status, JSON.stringify(limits.json)).toBe(200);
    const first = await newKey({ userId });
    const second = await newKey({ userId });
    await complete(a, first.secret);
    await countersSettled(`user:${userId}`, 0.01);
    const err = await refusal(b, second.secret);
    expect(err.headers?.get("x-gatehouse-limit")).toBe("user_budget_month");
    expect(err.message).toContain("per month");
  });
});
