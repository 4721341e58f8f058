import path from "node:path";
import OpenAI from "openai";
import postgres from "postgres";
import { expect, test } from "@playwright/test";
import { startAccountingUpstream } from "../fixtures/accounting-upstream";
import { unique } from "../fixtures/api";
import { freePort, sharedPostgres, startAppProcess } from "../fixtures/app-process";
import { adminClient } from "../fixtures/gateway-setup";

// SIGTERM while 50 streamed calls are in flight: the process stops accepting, lets the
// answers finish, flushes every pending request-log row, and exits 0 — the app's server
// answering /gateway itself, the same server through the Next.js route handler
// (GATEHOUSE_GATEWAY_MOUNT=next), and the standalone listener. And when the calls outlast
// the grace period: they are cut, and every one of them still has its row.

const CALLS = 50;

const MOUNTS = { server: "the app's server", route: "the app's server, Next.js route handler", standalone: "the standalone gateway" } as const;
const CASES = (["server", "route", "standalone"] as const).flatMap((mount) => [false, true].map((cut) => [mount, cut] as const));
for (const [mount, cut] of CASES) {
  test(`SIGTERM to ${MOUNTS[mount]} while ${CALLS} calls stream${cut ? " past the grace period: every cut call" : ": every call"} has its log row`, async () => {
    const upstream = await startAccountingUpstream();
    const db = await sharedPostgres(`gwstop${mount.slice(0, 4)}${cut ? "cut" : ""}`);
    const env = { ...db.env, ...(cut ? { GATEHOUSE_SHUTDOWN_GRACE_SECONDS: "1" } : {}) };
    const app = await startAppProcess({ env: mount === "route" ? { ...env, GATEHOUSE_GATEWAY_MOUNT: "next" } : env });
    const port = await freePort();
    const gateway =
      mount === "standalone"
        ? await startAppProcess({ command: [process.execPath, path.join(process.cwd(), ".next/standalone/gateway.js")], port, env: { ...env, GATEHOUSE_GATEWAY_PORT: String(port) } })
        : app;
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const api = await adminClient(app.url);
      const providerKey = unique("stop");
      expect((await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key: providerKey, name: providerKey, baseUrl: `${upstream.url}/v1/held`, apiKey: "sk-upstream-0123456789", models: [{ id: "gpt-4o", inputCostPerMTok: 2.5, outputCostPerMTok: 10 }] } })).status()).toBe(201);
      const { secret } = await (await api.post("/api/v1/keys", { data: { name: "stop" } })).json();
      await api.dispose();

      const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/gateway/${providerKey}/v1`, maxRetries: 0 });
      const streams = await Promise.all(
        Array.from({ length: CALLS }, async () => {
          const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "wait" }], stream: true });
          const it = stream[Symbol.asyncIterator]();
          expect((await it.next()).value?.choices[0]?.delta.role).toBe("assistant");
          return it;
        }),
      );
      expect(upstream.waiting()).toBe(CALLS);

      gateway.child.kill("SIGTERM");
      await expect.poll(() => gateway.output()).toContain("stopping: no new connections");
      if (cut) {
        // The upstream holds every stream past the 1 s grace: the stop cuts them all.
        const ends = await Promise.all(streams.map((it) => it.next().then(() => "went on", () => "cut")));
        expect(ends).toEqual(Array(CALLS).fill("cut"));
        expect(await gateway.exited).toBe(0);
        expect(gateway.output()).toContain("stopping: grace period over");
        const cutRows = await sql<{ status: number; outcome: string; error_code: string; model: string }[]>`
          select status, outcome, error_code, model from request_logs where provider_key = ${providerKey}`;
        expect(cutRows).toHaveLength(CALLS);
        // Status 200: it had gone to the client before the cut.
        for (const row of cutRows) expect(row).toEqual({ status: 200, outcome: "client_disconnected", error_code: "shutdown", model: "gpt-4o" });
        return;
      }
      upstream.release();
      const texts = await Promise.all(
        streams.map(async (it) => {
          let text = "";
          for (let next = await it.next(); !next.done; next = await it.next()) text += next.value.choices[0]?.delta.content ?? "";
          return text;
        }),
      );
      expect(texts).toEqual(Array(CALLS).fill("done"));
      expect(await gateway.exited).toBe(0);

      const [row] = await sql<{ count: string }[]>`select count(*) from request_logs where provider_key = ${providerKey} and outcome = 'success' and stream`;
      expect(Number(row?.count)).toBe(CALLS);
    } finally {
      await sql.end();
      if (gateway !== app) await gateway.stop();
      await app.stop();
      await upstream.close();
      await db.drop();
    }
  });
}
