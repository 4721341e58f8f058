import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { sharedPostgres, startAppProcess, type AppProcess } from "../fixtures/app-process";
import { SoftwareAuthenticator } from "../fixtures/software-authenticator";

// Two Gatehouse processes on one PostgreSQL, as behind a load balancer: both answer for
// the same GATEHOUSE_PUBLIC_URL, and a passkey ceremony may begin on one and finish on
// the other. The passkey is a software authenticator speaking over plain HTTP, so the
// refusals below can be provoked on purpose; each must be a 4xx with a JSON reason.
const PUBLIC_URL = "https://gatehouse.example.test";

let db: Awaited<ReturnType<typeof sharedPostgres>>;
let a: AppProcess;
let b: AppProcess;
let sql: postgres.Sql;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  db = await sharedPostgres("pkreplicas");
  const env = { ...db.env, GATEHOUSE_PUBLIC_URL: PUBLIC_URL };
  a = await startAppProcess({ env });
  b = await startAppProcess({ env });
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql?.end();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

/** A JSON call with an explicit session cookie (the processes share no cookie jar). */
async function call(app: AppProcess, method: string, path: string, { cookie, body }: { cookie?: string; body?: unknown } = {}) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const setCookie = res.headers.get("set-cookie")?.match(/gatehouse_session=([^;]+)/)?.[1];
  return { status: res.status, json: text ? JSON.parse(text) : null, cookie: setCookie ? `gatehouse_session=${setCookie}` : undefined };
}

let counter = 0;
/** A fresh user (through the first admin) signed in with a password, with one passkey registered across the two processes. */
async function userWithPasskey(authenticator: SoftwareAuthenticator) {
  const { json: setup } = await call(a, "GET", "/api/v1/auth/setup-required");
  const adminCredentials = { username: "root", password: "root-password-1" };
  const admin = await call(a, "POST", setup.setup_required ? "/api/v1/auth/setup" : "/api/v1/auth/login", { body: adminCredentials });
  const username = `u${++counter}-${Date.now().toString(36)}`;
  expect((await call(a, "POST", "/api/v1/users", { cookie: admin.cookie, body: { username, password: "user-password-1" } })).status).toBe(201);
  const { cookie } = await call(b, "POST", "/api/v1/auth/login", { body: { username, password: "user-password-1" } });
  const options = await call(a, "POST", "/api/v1/account/passkeys/options", { cookie });
  expect(options.status).toBe(200);
  const registered = await call(b, "POST", "/api/v1/account/passkeys", { cookie, body: { name: "Soft key", response: authenticator.register(options.json) } });
  expect(registered.status).toBe(201);
  return { username, cookie: cookie!, passkeyId: registered.json.passkey.id as string };
}

async function signInOptions(app: AppProcess) {
  const options = await call(app, "POST", "/api/v1/auth/passkey/options");
  expect(options.status).toBe(200);
  return options.json;
}

test("a ceremony begun on one process is finished on the other", async () => {
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL);
  const { username } = await userWithPasskey(authenticator); // registration: options on A, verified on B

  const options = await signInOptions(b);
  expect(options.rpId).toBe("gatehouse.example.test");
  const signedIn = await call(a, "POST", "/api/v1/auth/passkey/login", { body: { response: authenticator.authenticate(options) } });
  expect(signedIn.status).toBe(200);
  expect(signedIn.json.user.username).toBe(username);
  const me = await call(b, "GET", "/api/v1/auth/me", { cookie: signedIn.cookie });
  expect(me.status).toBe(200);
  expect(me.json.user.username).toBe(username);
});

test("replayed, expired, wrong-origin, wrong-RP-ID and backwards-counter answers are refused with a 4xx, never a 500", async () => {
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL);
  const { passkeyId } = await userWithPasskey(authenticator);
  const login = (app: AppProcess, response: unknown) => call(app, "POST", "/api/v1/auth/passkey/login", { body: { response } });

  // Counter 10 accepted and stored; the same answer again is a replay.
  const first = authenticator.authenticate(await signInOptions(a), { counter: 10 });
  expect((await login(a, first)).status).toBe(200);
  const replay = await login(b, first);
  expect([replay.status, replay.json.error.code]).toEqual([400, "validation"]);
  expect(replay.json.error.message).toMatch(/already used/);

  const expiring = await signInOptions(a);
  await sql`update webauthn_challenges set expires_at = now() - interval '1 second' where challenge = ${expiring.challenge}`;
  const expired = await login(b, authenticator.authenticate(expiring));
  expect([expired.status, expired.json.error.message]).toEqual([400, expect.stringMatching(/expired/)]);

  const cases: [string, Parameters<SoftwareAuthenticator["authenticate"]>[1], RegExp][] = [
    ["wrong origin", { origin: "https://gatehouse.example.test.phish.example" }, /origin/],
    ["wrong RP ID", { rpId: "phish.example" }, /RP ID/],
    ["counter going backwards", { counter: 9 }, /counter/],
  ];
  for (const [name, misbehave, reason] of cases) {
    const res = await login(b, authenticator.authenticate(await signInOptions(a), misbehave));
    expect(res.status, name).toBe(401);
    expect(res.json.error.message, name).toMatch(reason);
  }
  const [row] = await sql<{ counter: string }[]>`select counter from passkeys where id = ${passkeyId}`;
  expect(Number(row!.counter)).toBe(10);
  expect(a.output() + b.output()).not.toMatch(/unexpected error/);
});

test("a stored counter of 0 and an assertion of 0 sign in (synced passkeys)", async () => {
  const synced = new SoftwareAuthenticator(PUBLIC_URL, { counting: false, synced: true });
  const { username } = await userWithPasskey(synced);
  for (const [begin, finish] of [
    [a, b],
    [b, a],
  ] as const) {
    const res = await call(finish, "POST", "/api/v1/auth/passkey/login", { body: { response: synced.authenticate(await signInOptions(begin)) } });
    expect(res.status).toBe(200);
    expect(res.json.user.username).toBe(username);
  }
});

test("a session ended on one process is refused by the other at its next request", async () => {
  const { username, cookie: mine } = await userWithPasskey(new SoftwareAuthenticator(PUBLIC_URL));
  // A second session of the same user, answered (and so remembered) by B.
  const other = await call(b, "POST", "/api/v1/auth/login", { body: { username, password: "user-password-1" } });
  expect((await call(b, "GET", "/api/v1/auth/me", { cookie: other.cookie })).status).toBe(200);
  const { json } = await call(a, "GET", "/api/v1/account/sessions", { cookie: mine });
  expect(json.sessions).toHaveLength(2);
  const otherId = json.sessions.find((s: { current: boolean }) => !s.current).id;

  expect((await call(a, "DELETE", `/api/v1/account/sessions/${otherId}`, { cookie: mine })).status).toBe(204);
  // B hears of it through PostgreSQL NOTIFY at A's commit. Its memory alone would keep
  // answering 200 for up to 5 s, so a refusal well inside that shows the notification.
  await expect.poll(async () => (await call(b, "GET", "/api/v1/auth/me", { cookie: other.cookie })).status, { timeout: 3_000, intervals: [50, 100, 200] }).toBe(401);
  expect((await call(b, "GET", "/api/v1/auth/me", { cookie: mine })).status).toBe(200);
});
