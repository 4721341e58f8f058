import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { requestLogs, users, virtualKeys } from "@/lib/db/schema";
import { CSV_HEADER, csvField, csvLines } from "./csv";
import { eachCall, getBreakdown, getRangeTotals, getUsageSeries, listCalls } from "./dashboard";
import { parseUsageFilters } from "./filters";

let admin: { userId: string; role: "admin" };
let someone: { userId: string; role: "user" };
let keyA: string;
let keyB: string;

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table users, virtual_keys, request_logs, usage_hourly cascade`);
  const [a, u] = await db.insert(users).values([{ username: "boss", role: "admin" }, { username: "dev" }]).returning();
  admin = { userId: a!.id, role: "admin" };
  someone = { userId: u!.id, role: "user" };
  const keys = await db
    .insert(virtualKeys)
    .values([
      { name: "boss-key", keyHash: `a${Date.now()}`, displayPrefix: "x", userId: a!.id },
      { name: "dev-key", keyHash: `b${Date.now()}`, displayPrefix: "y", userId: u!.id },
    ])
    .returning();
  keyA = keys[0]!.id;
  keyB = keys[1]!.id;
  const at = (iso: string) => new Date(iso);
  const base = { providerKey: "p1", method: "POST", path: "/v1/chat/completions", latencyMs: 100 };
  await db.insert(requestLogs).values([
    { ...base, userId: a!.id, virtualKeyId: keyA, model: "m1", status: 200, promptTokens: 10, completionTokens: 5, costUsd: "0.01", createdAt: at("2026-03-02T10:15:00Z") },
    { ...base, userId: a!.id, virtualKeyId: keyA, model: "m1", status: 200, promptTokens: 20, completionTokens: 5, costUsd: "0.02", createdAt: at("2026-03-02T10:45:00Z") },
    { ...base, userId: u!.id, virtualKeyId: keyB, model: "m2", status: 429, outcome: "limited", limitRefused: "key_rpm", createdAt: at("2026-03-02T11:05:00Z") },
  ]);
  // One more statement with a row in an hour already summed: the trigger adds to it.
  await db.insert(requestLogs).values({ ...base, userId: u!.id, virtualKeyId: keyB, model: "m2", status: 500, promptTokens: 1, completionTokens: 0, costUsd: "0.5", errorExcerpt: '=HYPERLINK("x"), upstream said "no"', createdAt: at("2026-03-03T08:00:00Z") });
});

const range = { from: "2026-03-02", to: "2026-03-03" };

describe("usage dashboard", () => {
  it("totals, series and breakdowns read the hourly rollup the trigger keeps", async () => {
    const filters = parseUsageFilters(range);
    expect(await getRangeTotals({ actor: admin, filters })).toEqual({ requests: 4, errors: 2, limited: 1, promptTokens: 31, completionTokens: 10, costUsd: 0.53 });
    expect(filters.bucket).toBe("hour");
    const series = await getUsageSeries({ actor: admin, filters });
    expect(series).toHaveLength(48);
    expect(series.find((p) => p.at === "2026-03-02T10:00:00Z")).toMatchObject({ requests: 2, promptTokens: 30, costUsd: 0.03 });
    const daily = await getUsageSeries({ actor: admin, filters: parseUsageFilters({ ...range, bucket: "day" }) });
    expect(daily.map((p) => [p.at, p.requests])).toEqual([
      ["2026-03-02T00:00:00Z", 3],
      ["2026-03-03T00:00:00Z", 1],
    ]);
    const byKey = await getBreakdown({ actor: admin, filters, by: "key" });
    expect(byKey.map((r) => [r.label, r.requests, r.costUsd])).toEqual([
      ["dev-key", 2, 0.5],
      ["boss-key", 2, 0.03],
    ]);
    expect((await getBreakdown({ actor: admin, filters, by: "user" })).map((r) => r.label).sort()).toEqual(["boss", "dev"]);
  });

  it("an answer that broke off after a 200 counts as an error, in the totals and the errors filter", async () => {
    const db = await getDb();
    const base = { providerKey: "p1", method: "POST", path: "/v1/chat/completions", latencyMs: 100, userId: admin.userId, virtualKeyId: keyA, model: "m1", status: 200, stream: true };
    await db.insert(requestLogs).values([
      { ...base, outcome: "upstream_unreachable", errorCode: "upstream_stream_failed", createdAt: new Date("2026-03-02T12:00:00Z") },
      { ...base, outcome: "client_disconnected", errorCode: "during_answer", createdAt: new Date("2026-03-02T12:01:00Z") },
    ]);
    const filters = parseUsageFilters(range);
    expect(await getRangeTotals({ actor: admin, filters })).toMatchObject({ requests: 6, errors: 4 });
    const errors = await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, outcome: "errors" }) });
    expect(errors.calls.map((c) => [c.status, c.outcome])).toEqual([
      [500, "success"],
      [200, "client_disconnected"],
      [200, "upstream_unreachable"],
      [429, "limited"],
    ]);
  });

  it("calls refused at the door: their own filter, and a label that says no key was known", async () => {
    const db = await getDb();
    await db.insert(requestLogs).values({ providerKey: "p1", method: "POST", path: "/v1/chat/completions", latencyMs: 1, status: 401, outcome: "refused", errorCode: "invalid_api_key", createdAt: new Date("2026-03-02T13:00:00Z") });
    const refused = await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, outcome: "refused" }) });
    expect(refused.calls.map((c) => [c.status, c.errorCode, c.keyId])).toEqual([[401, "invalid_api_key", null]]);
    const byKey = await getBreakdown({ actor: admin, filters: parseUsageFilters(range), by: "key" });
    expect(byKey.find((r) => r.id === null)).toMatchObject({ label: "no key (refused)", requests: 1 });
  });

  it("a user sees only their own calls, whatever user they ask for", async () => {
    const filters = parseUsageFilters({ ...range, userId: admin.userId });
    expect((await getRangeTotals({ actor: someone, filters })).requests).toBe(2);
    const { calls } = await listCalls({ actor: someone, filters });
    expect(calls.map((c) => c.keyName)).toEqual(["dev-key", "dev-key"]);
  });

  it("filters narrow the calls; pages follow a cursor, newest first", async () => {
    const limited = await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, outcome: "limited" }) });
    expect(limited.calls.map((c) => [c.status, c.limitRefused])).toEqual([[429, "key_rpm"]]);
    expect((await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, keyId: keyA }) })).calls).toHaveLength(2);
    const first = await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, limit: "3" }) });
    expect(first.calls.map((c) => c.createdAt)).toEqual(["2026-03-03T08:00:00.000Z", "2026-03-02T11:05:00.000Z", "2026-03-02T10:45:00.000Z"]);
    const second = await listCalls({ actor: admin, filters: parseUsageFilters({ ...range, limit: "3", cursor: first.nextCursor! }) });
    expect(second.calls.map((c) => c.createdAt)).toEqual(["2026-03-02T10:15:00.000Z"]);
    expect(second.nextCursor).toBeNull();
  });

  it("the CSV export holds every matching call, text quoted and formulas defused", async () => {
    const batches: string[] = [];
    for await (const calls of eachCall({ actor: admin, filters: parseUsageFilters(range), batch: 2 })) batches.push(csvLines(calls));
    expect(batches).toHaveLength(2);
    const lines = (CSV_HEADER + batches.join("")).trimEnd().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), upstream said ""no"""`);
    expect(csvField("-1")).toBe("'-1");
    expect(csvField(-1)).toBe("-1");
  });

  it("refuses filters a person can fix, naming them", () => {
    expect(() => parseUsageFilters({ from: "2026-03-05", to: "2026-03-01" })).toThrow("The start date is after the end date");
    expect(() => parseUsageFilters({ from: "yesterday" })).toThrow("Use a date like 2026-01-31");
    expect(() => parseUsageFilters({ limit: "1000" })).toThrow("limit must be at most 200");
  });
});
