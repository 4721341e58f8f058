import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { expect, test } from "@playwright/test";
import { PRINCIPAL_TTL_MS } from "@/lib/credentials/cache";
import { SESSION_COOKIE } from "@/lib/credentials/sessions";
import { MIGRATION_LOCK_KEY } from "@/lib/db/client";
import { sharedPostgres, startAppProcess, type AppProcess } from "../fixtures/app-process";
import { startFakeOpenAI } from "../fixtures/api";
import { startRoundRobinProxy, type RoundRobinProxy } from "../fixtures/round-robin-proxy";

// Two Gatehouse processes on one PostgreSQL behind a loopback round-robin proxy, as a team
// runs it behind a load balancer. A change made through one process must hold on the other
// within the documented window: each process remembers "who is this" answers for
// PRINCIPAL_TTL_MS (docs/deploy.md, "Several copies"); virtual keys are looked up per call.
const WINDOW_MS = PRINCIPAL_TTL_MS;
// On top of the window: the time one request takes on a loaded machine.
const POLL = { timeout: WINDOW_MS + 5_000, intervals: [200] };

const ADMIN_PASSWORD = "replica-admin-password";

type Answer = { status: number; cookie: string | null; body: string };

async function call(base: string, method: string, pathname: string, options: { cookie?: string | null; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: {
      ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
    redirect: "manual",
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return { status: res.status, cookie: session ? session.split(";")[0]! : null, body: await res.text() };
}

async function signIn(base: string, credentials: { username: string; password: string }): Promise<string> {
  const answer = await call(base, "POST", "/api/v1/auth/login", { json: credentials });
  expect(answer.status, answer.body).toBe(200);
  expect(answer.cookie).toBeTruthy();
  return answer.cookie!;
}

const meStatus = async (base: string, cookie: string) => (await call(base, "GET", "/api/v1/auth/me", { cookie })).status;

test.describe.serial("two app processes on one PostgreSQL behind a round-robin proxy", () => {
  let db: Awaited<ReturnType<typeof sharedPostgres>>;
  let a: AppProcess;
  let b: AppProcess;
  let proxy: RoundRobinProxy;
  let admin: { username: string; password: string };
  let adminCookie: string;

  test.afterAll(async () => {
    await proxy?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  test("both start at once on an empty database; migrations run once, under the advisory lock", async () => {
    db = await sharedPostgres("replicas");
    // Hold the migration lock first: both processes must then queue for it.
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    const outputs = ["", ""];
    const starting = [0, 1].map((i) => startAppProcess({ env: db.env, timeoutMs: 120_000, onOutput: (text) => (outputs[i] += text) }));
    starting.forEach((p) => p.catch(() => {}));
    try {
      await expect.poll(() => outputs.map((o) => o.includes("another process holds the migration lock")), { timeout: 90_000 }).toEqual([true, true]);
      const [table] = await holder<{ users: string | null }[]>`select to_regclass('public.users')::text as users`;
      expect(table?.users).toBeNull();
    } finally {
      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      await holder.end();
    }
    [a, b] = (await Promise.all(starting)) as [AppProcess, AppProcess];

    const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "drizzle", "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ runs: number; distinct: number }[]>`select count(*)::int as runs, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`;
      expect(row).toEqual({ runs: journal.entries.length, distinct: journal.entries.length });
    } finally {
      await sql.end();
    }
    proxy = await startRoundRobinProxy([a.url, b.url]);
  });

  test("a first-run setup race through both processes creates exactly one admin", async () => {
    const racers = Array.from({ length: 6 }, (_, i) => ({ username: `racer-${i}`, password: ADMIN_PASSWORD }));
    const answers = await Promise.all(racers.map((racer) => call(proxy.url, "POST", "/api/v1/auth/setup", { json: racer })));
    expect(new Set(proxy.served)).toEqual(new Set([0, 1]));
    const won = answers.filter((x) => x.status === 201);
    expect(won).toHaveLength(1);
    expect(answers.filter((x) => x.status === 403)).toHaveLength(racers.length - 1);

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ username: string; role: string }[]>`select username, role from users`;
      expect(rows).toHaveLength(1);
      expect(rows[0]!.role).toBe("admin");
      expect(JSON.parse(won[0]!.body).user.username).toBe(rows[0]!.username);
      admin = { username: rows[0]!.username, password: ADMIN_PASSWORD };
    } finally {
      await sql.end();
    }
    adminCookie = await signIn(proxy.url, admin);
  });

  test("a session made through one process works on both", async () => {
    const cookie = await signIn(a.url, admin);
    const onA = await call(a.url, "GET", "/api/v1/auth/me", { cookie });
    const onB = await call(b.url, "GET", "/api/v1/auth/me", { cookie });
    expect([onA.status, onB.status]).toEqual([200, 200]);
    expect(JSON.parse(onB.body).user.id).toBe(JSON.parse(onA.body).user.id);
  });

  test("signing out on one process ends the session on the other within the window", async () => {
    const cookie = await signIn(proxy.url, admin);
    expect([await meStatus(a.url, cookie), await meStatus(b.url, cookie)]).toEqual([200, 200]);
    expect((await call(a.url, "POST", "/api/v1/auth/logout", { cookie })).status).toBe(200);
    expect(await meStatus(a.url, cookie)).toBe(401);
    await expect.poll(() => meStatus(b.url, cookie), POLL).toBe(401);
  });

  test("deleting a user on one process locks them out of the other within the window", async () => {
    const created = await call(proxy.url, "POST", "/api/v1/users", { cookie: adminCookie, json: { username: "doomed", password: "doomed-user-password" } });
    expect(created.status, created.body).toBe(201);
    const cookie = await signIn(b.url, { username: "doomed", password: "doomed-user-password" });
    expect([await meStatus(a.url, cookie), await meStatus(b.url, cookie)]).toEqual([200, 200]);
    expect((await call(a.url, "DELETE", `/api/v1/users/${JSON.parse(created.body).user.id}`, { cookie: adminCookie })).status).toBe(204);
    expect(await meStatus(a.url, cookie)).toBe(401);
    await expect.poll(() => meStatus(b.url, cookie), POLL).toBe(401);
  });

  test("changing a password on one process holds on the other: old password refused, sessions ended", async () => {
    const created = await call(proxy.url, "POST", "/api/v1/users", { cookie: adminCookie, json: { username: "changer", password: "first-password-1" } });
    expect(created.status, created.body).toBe(201);
    const cookie = await signIn(a.url, { username: "changer", password: "first-password-1" });
    expect(await meStatus(b.url, cookie)).toBe(200);
    const reset = await call(a.url, "POST", `/api/v1/users/${JSON.parse(created.body).user.id}/password`, { cookie: adminCookie, json: { password: "second-password-2" } });
    expect(reset.status).toBe(204);
    expect((await call(b.url, "POST", "/api/v1/auth/login", { json: { username: "changer", password: "first-password-1" } })).status).toBe(401);
    expect((await call(b.url, "POST", "/api/v1/auth/login", { json: { username: "changer", password: "second-password-2" } })).status).toBe(200);
    await expect.poll(() => meStatus(b.url, cookie), POLL).toBe(401);
  });

  test("revoking a virtual key on one process stops it on the other within the window", async () => {
    const upstream = await startFakeOpenAI();
    try {
      const provider = `rr-${Date.now().toString(36)}`;
      const made = await call(proxy.url, "POST", "/api/v1/providers", {
        cookie: adminCookie,
        json: { apiType: "openai-completions", key: provider, name: "Replica upstream", baseUrl: `${upstream.url}/v1`, apiKey: "sk-upstream", models: [{ id: "gpt-test" }] },
      });
      expect(made.status, made.body).toBe(201);
      const key = await call(proxy.url, "POST", "/api/v1/keys", { cookie: adminCookie, json: { name: "replica key" } });
      expect(key.status, key.body).toBe(201);
      const { secret, key: created } = JSON.parse(key.body);
      const complete = async (base: string) =>
        (await call(base, "POST", `/gateway/${provider}/v1/chat/completions`, { headers: { authorization: `Bearer ${secret}` }, json: { model: "gpt-test", messages: [{ role: "user", content: "hi" }] } })).status;
      expect([await complete(a.url), await complete(b.url)]).toEqual([200, 200]);
      expect((await call(a.url, "DELETE", `/api/v1/keys/${created.id}`, { cookie: adminCookie })).status).toBe(200);
      expect(await complete(a.url)).toBe(401);
      await expect.poll(() => complete(b.url), POLL).toBe(401);
    } finally {
      await upstream.close();
    }
  });

  test("sign-in rate limits count across both processes", async () => {
    const from = { "x-forwarded-for": "203.0.113.7" };
    const wrong = { username: admin.username, password: "not-the-password" };
    // Ten failures allowed per username and client address (lib/credentials/rate-limit.ts), split over both.
    for (let i = 0; i < 10; i++) {
      const answer = await call(i % 2 === 0 ? a.url : b.url, "POST", "/api/v1/auth/login", { json: wrong, headers: from });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
    }
    const onA = await call(a.url, "POST", "/api/v1/auth/login", { json: wrong, headers: from });
    const onB = await call(b.url, "POST", "/api/v1/auth/login", { json: admin, headers: from });
    expect([onA.status, onB.status]).toEqual([429, 429]);
    expect(JSON.parse(onB.body).error.code).toBe("rate_limited");
  });

  test("both processes stop cleanly", async () => {
    await proxy.close();
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
  });
});
