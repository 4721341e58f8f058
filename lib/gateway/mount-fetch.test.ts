import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { requestLogs } from "@/lib/db/schema";
import { createKey } from "@/lib/keys/queries";
import { createProvider } from "@/lib/providers/queries";
import { flushRequestLogs } from "@/lib/usage/log-writer";
import { createUser } from "@/lib/users/queries";
import { gatewayFetch } from "./mount-fetch";

// The Fetch face of the gateway as a host like Next.js uses it, against a loopback fake
// upstream that sends a stream's head and first event, then holds the rest.

let upstream: http.Server;
let upstreamUrl: string;
/** Upstream requests whose connection has closed. */
let closed = 0;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { role: "assistant" } }] })}\n\n`);
    res.on("close", () => closed++);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe("the gateway's Fetch face", () => {
  it("a response whose client left before the host read it: the upstream is let go and the call has its row", async () => {
    const providerKey = `held-${randomUUID().slice(0, 8)}`;
    await createProvider({ apiType: "openai-completions", key: providerKey, name: providerKey, baseUrl: `${upstreamUrl}/v1`, apiKey: "sk-upstream-secret", models: [] });
    const user = await createUser({ username: `fetch-${randomUUID().slice(0, 8)}`, password: "password123" });
    const { secret } = await createKey({ actor: { userId: user.id, role: "user" }, input: { name: "fetch" } });

    const client = new AbortController();
    const res = await gatewayFetch(
      new Request(`http://gatehouse.test/gateway/${providerKey}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }),
        signal: client.signal,
      }),
    );
    expect(res.status).toBe(200);
    const before = closed;
    // The client goes, and the host never touches the body (Next.js does exactly this when
    // the socket is already destroyed as it comes to send the response).
    client.abort();
    await expect.poll(() => closed, { timeout: 5_000 }).toBe(before + 1);

    await flushRequestLogs();
    const db = await getDb();
    const rows = await db.select().from(requestLogs).where(eq(requestLogs.providerKey, providerKey));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, outcome: "client_disconnected", errorCode: "during_answer", stream: true, model: "gpt-4o" });
  });
});
