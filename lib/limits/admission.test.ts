import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { spendCounters, users, virtualKeys } from "@/lib/db/schema";
import { addUnwrittenUsage, admitCall, recordCallUsage, removeUnwrittenUsage } from "./admission";
import { getSpendNow, setLimits } from "./queries";
import { NO_LIMITS, limitsSchema, type Limits } from "./schemas";

const at = (iso: string) => new Date(iso);
let userId: string;
let keyId: string;
let otherKeyId: string;

async function reset() {
  const db = await getDb();
  await db.execute(sql`truncate table users, virtual_keys, spend_limits, spend_counters, request_logs cascade`);
  const [user] = await db.insert(users).values({ username: `u${Date.now()}` }).returning();
  userId = user!.id;
  const keys = await db
    .insert(virtualKeys)
    .values([
      { name: "a", keyHash: `h-a-${Date.now()}`, displayPrefix: "sk-gh-a", userId },
      { name: "b", keyHash: `h-b-${Date.now()}`, displayPrefix: "sk-gh-b", userId },
    ])
    .returning();
  keyId = keys[0]!.id;
  otherKeyId = keys[1]!.id;
}
beforeEach(reset);

const limits = (l: Partial<Limits>): Limits => ({ ...NO_LIMITS, ...l });
const admit = (now: string, key = keyId) => admitCall({ keyId: key, userId, now: at(now) });
const spend = (now: string, costUsd: number, tokens = 0, key = keyId) => recordCallUsage({ keyId: key, userId, tokens, costUsd, now: at(now) });

describe("admitCall", () => {
  it("admits calls of a key and user without limits, touching no counters", async () => {
    expect(await admit("2026-03-02T12:00:00Z")).toBeNull();
    const db = await getDb();
    expect(await db.select().from(spendCounters)).toEqual([]);
  });

  it("requests per minute: trips on the call over the limit, says when the UTC minute ends, recovers in the next", async () => {
    await setLimits({ scope: "key", id: keyId, limits: limits({ requestsPerMinute: 2 }) });
    expect(await admit("2026-03-02T12:00:10Z")).toBeNull();
    expect(await admit("2026-03-02T12:00:20Z")).toBeNull();
    expect(await admit("2026-03-02T12:00:30Z")).toMatchObject({ limit: "key_rpm", retryAfterSeconds: 30 });
    expect(await admit("2026-03-02T12:00:59.500Z")).toMatchObject({ limit: "key_rpm", retryAfterSeconds: 1 });
    expect(await admit("2026-03-02T12:01:00Z")).toBeNull();
  });

  it("counts in the database: a second process (fresh module, empty cache) sees the first one's calls", async () => {
    await setLimits({ scope: "key", id: keyId, limits: limits({ requestsPerMinute: 2 }) });
    expect(await admit("2026-03-02T12:00:10Z")).toBeNull();
    vi.resetModules();
    const other = await import("./admission");
    expect(await other.admitCall({ keyId, userId, now: at("2026-03-02T12:00:11Z") })).toBeNull();
    expect(await other.admitCall({ keyId, userId, now: at("2026-03-02T12:00:12Z") })).toMatchObject({ limit: "key_rpm" });
    expect(await admit("2026-03-02T12:00:13Z")).toMatchObject({ limit: "key_rpm" });
  });

  it("tokens per minute: the next call after the minute's tokens reach the limit is refused, until the next minute", async () => {
    await setLimits({ scope: "key", id: keyId, limits: limits({ tokensPerMinute: 100 }) });
    expect(await admit("2026-03-02T12:00:01Z")).toBeNull();
    await spend("2026-03-02T12:00:02Z", 0, 60);
    expect(await admit("2026-03-02T12:00:03Z")).toBeNull();
    await spend("2026-03-02T12:00:04Z", 0, 50);
    expect(await admit("2026-03-02T12:00:45Z")).toMatchObject({ limit: "key_tpm", retryAfterSeconds: 15 });
    expect(await admit("2026-03-02T12:01:00Z")).toBeNull();
  });

  const periods = [
    { period: "day", spentAt: "2026-03-02T08:00:00Z", stillOut: "2026-03-02T23:59:59Z", resets: "2026-03-03T00:00:00Z", retryAfter: 1 },
    // 2026-03-08 is a Sunday; ISO weeks start on Monday 2026-03-09.
    { period: "week", spentAt: "2026-03-02T08:00:00Z", stillOut: "2026-03-08T23:59:59Z", resets: "2026-03-09T00:00:00Z", retryAfter: 1 },
    { period: "month", spentAt: "2026-01-01T00:00:00Z", stillOut: "2026-01-31T23:59:59Z", resets: "2026-02-01T00:00:00Z", retryAfter: 1 },
  ] as const;
  for (const p of periods) {
    it(`a ${p.period} budget stops the next call once spent, until the UTC ${p.period} ends`, async () => {
      await setLimits({ scope: "key", id: keyId, limits: limits({ budgetUsd: 1, budgetPeriod: p.period }) });
      expect(await admit(p.spentAt)).toBeNull();
      await spend(p.spentAt, 0.6);
      expect(await admit(p.spentAt)).toBeNull();
      await spend(p.spentAt, 0.6); // the call that crosses the budget has already run
      const refused = await admit(p.stillOut);
      expect(refused).toMatchObject({ limit: `key_budget_${p.period}`, retryAfterSeconds: p.retryAfter });
      expect(refused!.message).toContain(`$1 per ${p.period}`);
      expect(await admit(p.resets)).toBeNull();
    });
  }

  it("a user's budget holds across all of the user's keys", async () => {
    await setLimits({ scope: "user", id: userId, limits: limits({ budgetUsd: 0.5, budgetPeriod: "month" }) });
    await spend("2026-03-02T12:00:00Z", 0.5, 10, keyId);
    expect(await admit("2026-03-02T12:00:05Z", otherKeyId)).toMatchObject({ limit: "user_budget_month" });
    const spent = await getSpendNow({ scope: "user", ids: [userId], periods: new Map([[userId, "month"]]), now: at("2026-03-02T12:00:05Z") });
    expect(spent.get(userId)?.spentUsd).toBeCloseTo(0.5);
  });

  it("a call's usage counts from the moment it ends, before its counters are written", async () => {
    await setLimits({ scope: "key", id: keyId, limits: limits({ budgetUsd: 0.0001, budgetPeriod: "day", tokensPerMinute: 100 }) });
    expect(await admit("2026-03-02T12:00:00Z")).toBeNull();
    const ended = { keyId, userId, tokens: 50, costUsd: 0.0000525 };
    addUnwrittenUsage(ended);
    expect(await admit("2026-03-02T12:00:00.010Z")).toBeNull(); // $0.0000525 of $0.0001
    addUnwrittenUsage(ended);
    expect(await admit("2026-03-02T12:00:00.020Z")).toMatchObject({ limit: "key_tpm" }); // 100 tokens this minute
    // Once written, the counters hold it, and memory no longer does (no double count).
    await spend("2026-03-02T12:00:00.030Z", 0.000105, 100);
    removeUnwrittenUsage(ended);
    removeUnwrittenUsage(ended);
    expect(await admit("2026-03-02T12:01:00Z")).toMatchObject({ limit: "key_budget_day" });
    await setLimits({ scope: "key", id: keyId, limits: limits({ budgetUsd: 0.0002, budgetPeriod: "day" }) });
    expect(await admit("2026-03-02T12:01:01Z")).toBeNull();
  });

  it("a changed limit applies at once in the process that changed it", async () => {
    await setLimits({ scope: "key", id: keyId, limits: limits({ requestsPerMinute: 1 }) });
    expect(await admit("2026-03-02T12:00:01Z")).toBeNull();
    expect(await admit("2026-03-02T12:00:02Z")).toMatchObject({ limit: "key_rpm" });
    await setLimits({ scope: "key", id: keyId, limits: NO_LIMITS });
    expect(await admit("2026-03-02T12:00:03Z")).toBeNull();
  });

  it("spend recorded before a budget was set counts against it", async () => {
    await spend("2026-03-02T12:00:00Z", 3);
    await setLimits({ scope: "key", id: keyId, limits: limits({ budgetUsd: 2, budgetPeriod: "day" }) });
    expect(await admit("2026-03-02T12:00:01Z")).toMatchObject({ limit: "key_budget_day" });
  });
});

describe("limitsSchema", () => {
  it("reads form strings: empty means no limit; a budget defaults to a month", () => {
    expect(limitsSchema.parse({ budgetUsd: "25", budgetPeriod: "", requestsPerMinute: "", tokensPerMinute: " 1000 " })).toEqual({
      budgetUsd: 25,
      budgetPeriod: "month",
      requestsPerMinute: null,
      tokensPerMinute: 1000,
    });
  });
  it("says what is wrong with each field", () => {
    const result = limitsSchema.safeParse({ budgetUsd: "-1", budgetPeriod: "year", requestsPerMinute: "1.5", tokensPerMinute: "0" });
    expect(result.success).toBe(false);
    const fields = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(fields).toEqual({
      budgetUsd: "The budget cannot be negative",
      budgetPeriod: "Choose day, week or month",
      requestsPerMinute: "Enter a whole number of requests",
      tokensPerMinute: "Allow at least 1 token a minute (or leave it empty)",
    });
  });
});
