import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startAppProcess } from "../fixtures/app-process";
import { adminClient } from "../fixtures/gateway-setup";

// Every provider route, page and the gateway, for every API type, with an upstream that
// echoes the credential it was sent into its error answers: no stored secret may come
// back in a response body or header, nor appear in the server's log.

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const SECRETS = {
  openai: "sk-openai-SECRET-0001aaaa",
  responses: "sk-responses-SECRET-0002bbbb",
  anthropic: "sk-ant-SECRET-0003cccc",
  google: "AIza-google-SECRET-0004dddd",
  azure: "azure-SECRET-0005eeee",
  ollama: "ollama-SECRET-0006ffff",
  cfKey: "sk-cf-provider-SECRET-0007gggg",
  cfToken: "cf-aig-token-SECRET-0008hhhh",
  typed: "sk-typed-not-saved-SECRET-0009iiii",
};

test("no provider route, page, gateway answer or server log line holds a stored secret", async () => {
  test.setTimeout(180_000);
  // The upstream quotes every credential header it got, in an error, as careless APIs do.
  const upstream = http.createServer((req, res) => {
    const creds = ["authorization", "x-api-key", "x-goog-api-key", "api-key", "cf-aig-authorization"].map((h) => `${h}=${req.headers[h] ?? ""}`).join(" ");
    res.writeHead(401, { "content-type": "application/json", "x-echo": creds });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${creds}` } }));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-secrets-"));
  const app = await startAppProcess({ env: { GATEHOUSE_DATA_DIR: dataDir, CF_AI_GATEWAY_ORIGIN: up } });
  const seen: string[] = [];
  try {
    const api = await adminClient(app.url);
    const record = async <R extends { status(): number; headers(): Record<string, string>; text(): Promise<string> }>(res: R): Promise<R> => {
      seen.push(`${res.status()} ${JSON.stringify(res.headers())}\n${await res.text()}`);
      return res;
    };

    const bodies = [
      { apiType: "openai-completions", key: "s-openai", baseUrl: `${up}/v1`, apiKey: SECRETS.openai, models: "gpt-4o 1 2" },
      { apiType: "openai-responses", key: "s-responses", baseUrl: `${up}/v1`, apiKey: SECRETS.responses },
      { apiType: "anthropic-messages", key: "s-anthropic", baseUrl: up, apiKey: SECRETS.anthropic },
      { apiType: "google-generative-ai", key: "s-google", baseUrl: up, apiKey: SECRETS.google },
      { apiType: "azure-openai", key: "s-azure", baseUrl: up, apiKey: SECRETS.azure },
      { apiType: "ollama", key: "s-ollama", baseUrl: up, apiKey: SECRETS.ollama },
      { apiType: "cloudflare-ai-gateway", key: "s-cf", authMode: "request-key", accountId: ACCOUNT, gatewayId: "gw", apiKey: SECRETS.cfKey, gatewayToken: SECRETS.cfToken, models: "openai/gpt-4o-mini" },
    ];
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await record(await api.post("/api/v1/providers", { data: { name: body.key, ...body } }));
      expect(res.status(), await res.text()).toBe(201);
      ids.push((await res.json()).provider.id);
    }
    // Refused writes echo nothing typed either.
    await record(await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key: "s-bad", name: "x", baseUrl: "ftp://nope", apiKey: SECRETS.typed } }));
    await record(await api.post("/api/v1/providers", { data: { apiType: "openai-completions", key: "s-bad", name: "x", baseUrl: `${up}/v1`, apiKey: `${SECRETS.typed} with spaces` } }));

    await record(await api.get("/api/v1/providers"));
    for (const id of ids) {
      await record(await api.get(`/api/v1/providers/${id}`));
      await record(await api.patch(`/api/v1/providers/${id}`, { data: { name: `renamed ${id.slice(0, 4)}` } }));
      const test = await record(await api.post(`/api/v1/providers/${id}/test`));
      expect((await test.json()).ok).toBe(false);
      await record(await api.post(`/api/v1/providers/${id}/test`, { data: { kind: "list" } }));
      await record(await api.post(`/api/v1/providers/${id}/test`, { data: { apiKey: SECRETS.typed } }));
    }
    await record(await api.post("/api/v1/providers/test", { data: { apiType: "openai-completions", baseUrl: `${up}/v1`, apiKey: SECRETS.typed } }));
    for (const page of ["/providers", "/providers/new", "/models", "/", ...ids.map((id) => `/providers/${id}`)]) await record(await api.get(page));

    // The gateway, each type with a path of its own, the upstream quoting the credentials.
    const { secret } = await (await api.post("/api/v1/keys", { data: { name: "secrets-check" } })).json();
    const calls: [string, string, Record<string, string>][] = [
      ["s-openai", "/v1/chat/completions", { authorization: `Bearer ${secret}` }],
      ["s-responses", "/v1/responses", { authorization: `Bearer ${secret}` }],
      ["s-anthropic", "/v1/messages", { "x-api-key": secret, "anthropic-version": "2023-06-01" }],
      ["s-google", "/v1beta/models/gemini-2.5-flash:generateContent", { "x-goog-api-key": secret }],
      ["s-azure", "/openai/deployments/d/chat/completions", { "api-key": secret }],
      ["s-ollama", "/api/chat", { authorization: `Bearer ${secret}` }],
      ["s-cf", "/v1/chat/completions", { authorization: `Bearer ${secret}` }],
    ];
    for (const [provider, p, headers] of calls) {
      const res = await record(await api.post(`/gateway/${provider}${p}`, { headers: { ...headers, "content-type": "application/json" }, data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], input: "hi" } }));
      expect(res.status(), provider).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // log rows are written after the answer
    await record(await api.get("/api/v1/usage"));
    await record(await api.get("/usage"));
    await api.dispose();
  } finally {
    await app.stop();
    await new Promise<void>((r) => upstream.close(() => r()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const everything = `${seen.join("\n")}\n${app.output()}`;
  expect(seen.length).toBeGreaterThan(60);
  // The upstream's words made it through (redacted), so the search is not vacuous.
  expect(everything).toContain("Incorrect API key provided");
  for (const [name, value] of Object.entries(SECRETS)) expect(everything.includes(value), `${name} found`).toBe(false);
});
