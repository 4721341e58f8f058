import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { requestLogs } from "@/lib/db/schema";
import { recordRequests, type RequestRecord } from "./queries";

const base: RequestRecord = {
  virtualKeyId: null,
  userId: null,
  providerId: null,
  providerKey: "roundtrip",
  method: "POST",
  path: "/v1/chat/completions",
  model: "gpt-4o",
  stream: false,
  status: 200,
  promptTokens: 9,
  completionTokens: 1,
  cachedTokens: 3,
  cacheWriteTokens: 2,
  reasoningTokens: 1,
  costUsd: 0.0000325,
  latencyMs: 12,
  ttfbMs: 4,
  errorExcerpt: null,
  outcome: "success",
  errorCode: null,
  limitRefused: null,
};

describe("recordRequests", () => {
  beforeAll(async () => {
    await getDb();
  });

  it("stores every field of every row as given", async () => {
    const rows: RequestRecord[] = [
      base,
      {
        ...base,
        providerKey: "roundtrip",
        path: "/v1/x?q=\"quoted\"&b=back\\slash",
        model: "modèle-😀-\u0001-'single'",
        stream: true,
        status: 429,
        promptTokens: null,
        completionTokens: null,
        cachedTokens: null,
        cacheWriteTokens: null,
        reasoningTokens: null,
        costUsd: null,
        ttfbMs: null,
        errorExcerpt: "{\"error\":{\"message\":\"line\\nbreak\"}}\n\ttabbed",
        outcome: "limited",
        errorCode: "rate_limit_exceeded",
        limitRefused: "key_rpm",
      },
    ];
    await recordRequests(rows);
    const db = await getDb();
    const stored = await db.select().from(requestLogs).where(eq(requestLogs.providerKey, "roundtrip")).orderBy(requestLogs.id);
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ ...base, costUsd: "0.00003250" });
    expect(stored[1]).toMatchObject({ ...rows[1], costUsd: null });
    expect(stored[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("stores text an upstream may send that PostgreSQL cannot hold: NUL dropped, half a surrogate pair replaced", async () => {
    await recordRequests([{ ...base, providerKey: "roundtrip-odd", model: "a\u0000b\ud800c", errorExcerpt: "\udfffx" }]);
    const db = await getDb();
    const [stored] = await db.select().from(requestLogs).where(eq(requestLogs.providerKey, "roundtrip-odd"));
    expect(stored).toMatchObject({ model: "ab\ufffdc", errorExcerpt: "\ufffdx" });
  });

  it("writes all of a batch or none of it", async () => {
    const bad = { ...base, providerKey: "roundtrip-none", virtualKeyId: "00000000-0000-4000-8000-000000000000" }; // no such key: foreign key refuses
    await expect(recordRequests([{ ...base, providerKey: "roundtrip-none" }, bad])).rejects.toThrow();
    const db = await getDb();
    expect(await db.select().from(requestLogs).where(eq(requestLogs.providerKey, "roundtrip-none"))).toHaveLength(0);
  });
});
