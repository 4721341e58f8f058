import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { startFakeOpenAI } from "../fixtures/api";
import { appEnv, freePort, startAppProcess } from "../fixtures/app-process";
import { readDockerfile } from "../fixtures/dockerfile";
import { providerWithKey } from "../fixtures/gateway-setup";

// The container, without Docker (no engine on these machines): the Dockerfile's own steps,
// read from it, against the standalone build `npm run build` made. `.next/standalone` is
// copied to an empty folder outside the checkout — the image's WORKDIR — so nothing can be
// found in the checkout's node_modules by accident.
const root = process.cwd();
const OPS = { username: "ops", password: "standalone-ops-password" };

test("the standalone build runs as the Dockerfile runs it: CLI, health check, sign-in, a gateway call, SIGTERM", async () => {
  const recipe = readDockerfile(path.join(root, "Dockerfile"));
  // The image is built by the commands CI ran before this test, and holds only the standalone folder.
  expect(recipe.buildSteps).toEqual(["npm ci --no-audit --no-fund", "npm run build"]);
  expect(recipe.copies).toEqual([["/src/.next/standalone", recipe.workdir]]);
  expect(recipe.user).toBe("node");
  expect(recipe.volumes).toContain(recipe.env.GATEHOUSE_DATA_DIR);
  expect(recipe.cmd[0]).toBe("node");
  expect(recipe.healthcheck[0]).toBe("node");

  const image = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-image-"));
  const upstream = await startFakeOpenAI();
  try {
    fs.cpSync(path.join(root, ".next", "standalone"), image, { recursive: true });
    const inImage = (value: string) => (value === recipe.workdir || value.startsWith(`${recipe.workdir}/`) ? image + value.slice(recipe.workdir.length) : value);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...Object.fromEntries(Object.entries(recipe.env).map(([name, value]) => [name, inImage(value)])),
      PORT: String(port),
      GATEHOUSE_LISTEN_HOST: undefined,
    };

    // docs/deploy.md: an admin from the shell, `docker compose exec gatehouse node cli.js …`.
    const cli = spawnSync(process.execPath, ["cli.js", "create-admin", "--username", OPS.username, "--password", OPS.password], { cwd: image, env: appEnv(env), encoding: "utf8" });
    expect(cli.status, `${cli.stdout}${cli.stderr}`).toBe(0);

    const server = await startAppProcess({ command: [process.execPath, ...recipe.cmd.slice(1)], cwd: image, env, port, readyPath: "/api/health" });
    try {
      const healthcheck = () => spawnSync(process.execPath, recipe.healthcheck.slice(1), { env: appEnv(env), encoding: "utf8" }).status;
      expect(healthcheck()).toBe(0);
      expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);

      const api = await playwrightRequest.newContext({ baseURL: server.url });
      const signIn = await api.post("/api/v1/auth/login", { data: OPS });
      expect(signIn.status(), await signIn.text()).toBe(200);
      const { provider, secret } = await providerWithKey(api, upstream.url);
      await api.dispose();
      const client = new OpenAI({ apiKey: secret, baseURL: `${server.url}/gateway/${provider}/v1`, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Say hello" }] });
      expect(answer.choices[0]!.message.content).toBe("Hello from the fake upstream.");
      expect(upstream.recorded.at(-1)!.headers.authorization).toBe("Bearer sk-upstream-secret");

      // `docker stop`: SIGTERM, a clean exit, the embedded database closed in the data volume.
      expect(await server.stop()).toBe(0);
      expect(healthcheck()).toBe(1);
      expect(fs.existsSync(path.join(inImage(recipe.env.GATEHOUSE_DATA_DIR!), "pglite.pid"))).toBe(false);
      expect(fs.existsSync(path.join(inImage(recipe.env.GATEHOUSE_DATA_DIR!), "encryption.key"))).toBe(true);
    } finally {
      await server.stop();
    }
  } finally {
    await upstream.close();
    fs.rmSync(image, { recursive: true, force: true });
  }
});
