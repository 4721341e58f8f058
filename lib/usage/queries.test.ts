import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { requestLogs } from "@/lib/db/schema";
import { createKey } from "@/lib/keys/queries";
import { createProvider, deleteProvider } from "@/lib/providers/queries";
import { createUser, deleteUser } from "@/lib/users/queries";
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
    const bad = { ...base, providerKey: "roundtrip-none", status: 2 ** 40 }; // out of an integer's range: PostgreSQL refuses
    await expect(recordRequests([{ ...base, providerKey: "roundtrip-none" }, bad])).rejects.toThrow();
    const db = await getDb();
    expect(await db.select().from(requestLogs).where(eq(requestLogs.providerKey, "roundtrip-none"))).toHaveLength(0);
  });

  it("writes the rows of a key, user and provider deleted meanwhile: a batch is never refused for it", async () => {
    // Another process may log a call of a key whose user was just deleted (its cache keeps the key up to 5 s).
    const gone = { virtualKeyId: randomUUID(), userId: randomUUID(), providerId: randomUUID() };
    await recordRequests([{ ...base, providerKey: "roundtrip-gone", ...gone }]);
    const db = await getDb();
    const [row] = await db.select().from(requestLogs).where(eq(requestLogs.providerKey, "roundtrip-gone"));
    expect(row).toMatchObject(gone);
  });
});

describe("deleting a user or a provider", () => {
  it("detaches their request-log rows in the same transaction, and keeps the rows", async () => {
    const admin = await createUser({ username: `detach-admin-${randomUUID().slice(0, 8)}`, password: "password123", role: "admin" });
    const user = await createUser({ username: `detach-${randomUUID().slice(0, 8)}`, password: "password123" });
    const providerKey = `detach-${randomUUID().slice(0, 8)}`;
    const provider = await createProvider({ apiType: "openai-completions", key: providerKey, name: providerKey, baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-detach-0123456789" });
    const { key } = await createKey({ actor: { userId: user.id, role: "user" }, input: { name: "detach" } });
    const other = { ...base, providerKey: `${providerKey}-other`, userId: admin.id };
    await recordRequests([{ ...base, providerKey, providerId: provider.id, userId: user.id, virtualKeyId: key.id }, other]);
    const db = await getDb();
    const rows = async (k: string) => db.select().from(requestLogs).where(eq(requestLogs.providerKey, k));

    await deleteUser({ id: user.id });
    expect(await rows(providerKey)).toMatchObject([{ userId: null, virtualKeyId: null, providerId: provider.id, promptTokens: 9 }]);
    await deleteProvider({ id: provider.id });
    expect(await rows(providerKey)).toMatchObject([{ userId: null, virtualKeyId: null, providerId: null, model: "gpt-4o" }]);
    // Nobody else's rows are touched.
    expect(await rows(`${providerKey}-other`)).toMatchObject([{ userId: admin.id }]);
  });
});
