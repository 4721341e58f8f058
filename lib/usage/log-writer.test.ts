import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { requestLogs, usageHourly, virtualKeys } from "@/lib/db/schema";
import { createKey } from "@/lib/keys/queries";
import { createUser } from "@/lib/users/queries";
import { BATCH_ROWS, enqueueRequestLog, flushRequestLogs, onRequestLogsWritten, pendingRequestLogs } from "./log-writer";
import type { RequestRecord } from "./queries";

const row = (providerKey: string, i: number): RequestRecord => ({
  virtualKeyId: null,
  userId: null,
  providerId: null,
  providerKey,
  method: "POST",
  path: "/v1/chat/completions",
  model: `m\u0000${i}`,
  stream: i % 2 === 0,
  status: 200,
  promptTokens: i,
  completionTokens: 1,
  cachedTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
  costUsd: 0.000001,
  latencyMs: 3,
  ttfbMs: 1,
  errorExcerpt: null,
  outcome: "success",
  errorCode: null,
});

describe("the request-log writer", () => {
  beforeAll(async () => {
    await getDb(); // migrations first, outside the timed tests
  });

  it("queues rows without writing on the caller's path, then writes every one in batches", async () => {
    const total = BATCH_ROWS * 2 + 37;
    for (let i = 0; i < total; i++) enqueueRequestLog(row("batch", i));
    expect(pendingRequestLogs()).toBeGreaterThan(0);
    await flushRequestLogs();
    expect(pendingRequestLogs()).toBe(0);
    const db = await getDb();
    const [written] = await db.select({ n: count() }).from(requestLogs).where(eq(requestLogs.providerKey, "batch"));
    expect(written!.n).toBe(total);
    const [first] = await db.select().from(requestLogs).where(eq(requestLogs.promptTokens, 0));
    expect(first).toMatchObject({ model: "m0", outcome: "success", ttfbMs: 1, stream: true });
  });

  it("writes rows queued after a flush began too", async () => {
    enqueueRequestLog(row("late", 1));
    const flushing = flushRequestLogs();
    enqueueRequestLog(row("late", 2));
    await flushing;
    await flushRequestLogs();
    const db = await getDb();
    const [written] = await db.select({ n: count() }).from(requestLogs).where(eq(requestLogs.providerKey, "late"));
    expect(written!.n).toBe(2);
  });

  it("dates each row by its call's arrival, not by when its batch was written", async () => {
    const arrived = Date.UTC(2026, 0, 15, 9, 30, 12, 345);
    enqueueRequestLog({ ...row("dated", 1), createdAt: arrived });
    enqueueRequestLog(row("dated", 2));
    const before = Date.now();
    await flushRequestLogs();
    const db = await getDb();
    const written = await db.select({ model: requestLogs.model, at: requestLogs.createdAt }).from(requestLogs).where(eq(requestLogs.providerKey, "dated"));
    const byModel = Object.fromEntries(written.map((r) => [r.model, r.at.getTime()]));
    expect(byModel["m1"]).toBe(arrived);
    // Without a time of its own, a row is dated by its insert.
    expect(Math.abs(byModel["m2"]! - before)).toBeLessThan(60_000);
    // The hourly rollup follows the row's own time.
    const [hour] = await db.select({ requests: usageHourly.requests }).from(usageHourly).where(and(eq(usageHourly.providerKey, "dated"), eq(usageHourly.hour, new Date(Date.UTC(2026, 0, 15, 9)))));
    expect(hour?.requests).toBe(1);
  });

  it("flushing waits for the listeners of written batches (shutdown closes the database next)", async () => {
    const counted: string[] = [];
    onRequestLogsWritten(async (rows) => {
      await new Promise((r) => setTimeout(r, 50));
      for (const r of rows) if (r.providerKey === "counted") counted.push(r.model ?? "");
    });
    enqueueRequestLog(row("counted", 1));
    enqueueRequestLog(row("counted", 2));
    await flushRequestLogs();
    expect(counted).toEqual(["m\u00001", "m\u00002"]);
  });

  it("marks a key used when its first row is written, then at most once a minute", async () => {
    const user = await createUser({ username: `used-${randomUUID().slice(0, 8)}`, password: "password123" });
    const { key } = await createKey({ actor: { userId: user.id, role: "user" }, input: { name: "used" } });
    const db = await getDb();
    const lastUsed = async () => (await db.select({ at: virtualKeys.lastUsedAt }).from(virtualKeys).where(eq(virtualKeys.id, key.id)))[0]!.at;
    expect(await lastUsed()).toBeNull();

    enqueueRequestLog({ ...row("used", 1), virtualKeyId: key.id, userId: user.id });
    await flushRequestLogs();
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    expect(Math.abs(first!.getTime() - Date.now())).toBeLessThan(60_000);

    // Within the minute a later batch does not write the mark again (not even a guarded UPDATE).
    await db.update(virtualKeys).set({ lastUsedAt: null }).where(eq(virtualKeys.id, key.id));
    enqueueRequestLog({ ...row("used", 2), virtualKeyId: key.id, userId: user.id });
    await flushRequestLogs();
    expect(await lastUsed()).toBeNull();
  });

  it("does not mark a key used by a call refused because the key is revoked or expired", async () => {
    const user = await createUser({ username: `refused-${randomUUID().slice(0, 8)}`, password: "password123" });
    const { key } = await createKey({ actor: { userId: user.id, role: "user" }, input: { name: "revoked" } });
    const db = await getDb();
    enqueueRequestLog({ ...row("revoked", 1), virtualKeyId: key.id, userId: user.id, status: 401, outcome: "refused", errorCode: "invalid_api_key" });
    await flushRequestLogs();
    expect((await db.select({ at: virtualKeys.lastUsedAt }).from(virtualKeys).where(eq(virtualKeys.id, key.id)))[0]!.at).toBeNull();
  });
});
