import fs from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { expect, test } from "@playwright/test";
import { sharedPostgres, startAppProcess } from "../fixtures/app-process";
import { adminClient, providerWithKey } from "../fixtures/gateway-setup";
import { HELD_ANSWER, startHeldUpstream, type HeldUpstream } from "../fixtures/held-upstream";

// SIGTERM to Gatehouse's server (what `npm start`, the standalone folder and the Dockerfile
// run), while a streamed gateway call is provably in flight: the upstream holds the stream
// open until the test lets it finish.

type LogLine = Record<string, unknown> & { msg: string };

function jsonLines(stdout: string): LogLine[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

async function startStream(baseURL: string, provider: string, secret: string) {
  const client = new OpenAI({ apiKey: secret, baseURL: `${baseURL}/gateway/${provider}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: "held-model", messages: [{ role: "user", content: "hold on" }], stream: true });
  const chunks = stream[Symbol.asyncIterator]();
  const first = await chunks.next();
  expect(first.value?.choices[0]?.delta.role).toBe("assistant");
  return {
    async rest(): Promise<string> {
      let text = "";
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += next.value.choices[0]?.delta.content ?? "";
      return text;
    },
  };
}

let upstream: HeldUpstream;
test.beforeEach(async () => {
  upstream = await startHeldUpstream();
});
test.afterEach(async () => {
  upstream.release();
  await upstream.close();
});

test("SIGTERM to `npm start`: stops accepting, lets the streamed call in flight finish, closes the database pool, exits 0", async () => {
  const db = await sharedPostgres("sigterm");
  // The signal goes to npm, as a process manager would send it: npm passes it on.
  const npmCli = process.env.npm_execpath;
  const npm = npmCli && /npm-cli\.[cm]?js$/.test(npmCli) ? [process.execPath, npmCli] : ["npm"];
  const app = await startAppProcess({ command: [...npm, "start", "--silent"], env: { ...db.env, GATEHOUSE_LOG_FORMAT: "json" } });
  try {
    const api = await adminClient(app.url);
    const me = await (await api.get("/api/v1/auth/me")).json();
    const { provider, secret } = await providerWithKey(api, upstream.url);
    await api.dispose();
    const call = await startStream(app.url, provider, secret);

    app.child.kill("SIGTERM");
    await expect.poll(() => app.stdout()).toContain('"msg":"stopping: no new connections"');
    await expect(fetch(`${app.url}/api/health`)).rejects.toThrow();
    expect(app.child.exitCode).toBeNull();

    upstream.release();
    expect(await call.rest()).toBe(HELD_ANSWER.join(""));
    expect(await app.exited).toBe(0);

    const lines = jsonLines(app.stdout());
    const index = (msg: string, extra: (l: LogLine) => boolean = () => true) => lines.findIndex((l) => l.msg === msg && extra(l));
    const stopping = index("stopping: no new connections");
    const gatewayCall = index("request", (l) => l.route === `/gateway/${provider}/v1/chat/completions`);
    const finished = index("stopping: in-flight requests finished");
    const poolClosed = index("shutdown hook done", (l) => l.hook === "database");
    const stopped = index("stopped");
    expect(lines[stopping]).toMatchObject({ reason: "SIGTERM", in_flight: 1 });
    expect(lines[gatewayCall]).toMatchObject({ level: "info", method: "POST", status: 200 });
    expect(typeof lines[gatewayCall]!.request_id).toBe("string");
    expect(lines[gatewayCall]!.duration_ms).toBeGreaterThanOrEqual(0);
    expect(lines[stopped]).toMatchObject({ exit_code: 0 });
    expect([stopping < gatewayCall, gatewayCall < finished, finished < poolClosed, poolClosed < stopped]).toEqual([true, true, true, true]);
    // Requests made while signed in carry the user's id.
    expect(lines.find((l) => l.msg === "request" && l.route === "/api/v1/providers")).toMatchObject({ method: "POST", status: 201, user_id: me.user.id });
  } finally {
    await app.stop();
    await db.drop();
  }
});

test("SIGTERM: a call still running after the grace period is cut, the embedded database is closed, exit 0", async () => {
  const dataDir = path.join(process.cwd(), "e2e", ".tmp", `sigterm-grace-${process.pid}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const app = await startAppProcess({ env: { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SHUTDOWN_GRACE_SECONDS: "1" } });
  try {
    const api = await adminClient(app.url);
    const { provider, secret } = await providerWithKey(api, upstream.url);
    await api.dispose();
    const call = await startStream(app.url, provider, secret);
    // PGlite holds its folder with a pid file while open; a closed database removes it.
    expect(fs.readFileSync(path.join(dataDir, "pglite.pid"), "utf8")).toBe(String(app.pid));

    app.child.kill("SIGTERM");
    await expect(call.rest()).rejects.toThrow();
    expect(upstream.held()).toBe(1);
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain("gatehouse: stopping: grace period over, closing the requests still running in_flight=1 grace_ms=1000");
    expect(app.output()).toMatch(/gatehouse: shutdown hook done hook=database/);
    expect(fs.existsSync(path.join(dataDir, "pglite.pid"))).toBe(false);
  } finally {
    await app.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
