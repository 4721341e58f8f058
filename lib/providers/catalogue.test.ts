import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createKey, revokeKey } from "@/lib/keys/queries";
import { createUser } from "@/lib/users/queries";
import { listCatalogue } from "./catalogue";
import { createProvider } from "./queries";

beforeEach(async () => {
  const db = await getDb();
  await db.execute(sql`truncate table providers, virtual_keys, users cascade`);
});

describe("model catalogue", () => {
  it("shows a user the models of the providers their active keys may use, and an admin all", async () => {
    await createProvider({ apiType: "openai-completions", key: "oa", name: "A OpenAI", baseUrl: "https://api.openai.com/v1", apiKey: "sk-never-shown-0123", models: "gpt-4o-mini 0.15 0.6 0.075 context=128k" });
    await createProvider({ apiType: "anthropic-messages", key: "an", name: "B Anthropic", baseUrl: "https://api.anthropic.com", models: "claude-sonnet-4-5 3 15 0.3 write=3.75" });
    const user = await createUser({ username: "cat-user", password: "correct horse battery", role: "user" });
    const actor = { userId: user.id, role: "user" as const };

    expect(await listCatalogue({ actor })).toEqual([]);

    const { key } = await createKey({ actor, input: { name: "only-anthropic", allowedProviders: ["an"] } });
    const onlyAnthropic = await listCatalogue({ actor });
    expect(onlyAnthropic).toEqual([
      { key: "an", name: "B Anthropic", apiTypeLabel: "Anthropic Messages", gatewayPath: "/gateway/an", models: [{ id: "claude-sonnet-4-5", inputCostPerMTok: 3, outputCostPerMTok: 15, cachedInputCostPerMTok: 0.3, cacheWriteCostPerMTok: 3.75 }] },
    ]);
    expect(JSON.stringify(onlyAnthropic)).not.toContain("sk-never-shown");

    const { key: all } = await createKey({ actor, input: { name: "everything" } });
    expect((await listCatalogue({ actor })).map((p) => p.key)).toEqual(["oa", "an"]);
    await revokeKey({ actor, id: all.id });
    await revokeKey({ actor, id: key.id });
    expect(await listCatalogue({ actor })).toEqual([]);

    const admin = await createUser({ username: "cat-admin", password: "correct horse battery", role: "admin" });
    expect((await listCatalogue({ actor: { userId: admin.id, role: "admin" } })).map((p) => p.key)).toEqual(["oa", "an"]);
  });
});
