import { defineConfig } from "@playwright/test";
import { onlyInTag, type Mode } from "./e2e/ui/modes";
import { CHROMIUM_ARGS, pickBrowser } from "./e2e/fixtures/browser";
import { E2E } from "./e2e/fixtures/ports";

// End-to-end: the built app (`next build` first) in two modes, in Chromium (found by
// e2e/fixtures/browser.ts: CHROMIUM_PATH, Playwright's, the system's, else the one in
// the @sparticuz/chromium package), against a loopback fake Cloudflare (Access JWKS +
// AI Gateway). See README "Test it".
const browser = pickBrowser();
const tsx = "node node_modules/tsx/dist/cli.mjs";

export default defineConfig<{ mode: Mode }>({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: browser.executablePath,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    // The first-run flow needs the fresh database, so it runs before the rest of the project.
    { name: "builtin-first-run", testDir: "e2e/builtin", testMatch: "first-run.spec.ts", use: { baseURL: `http://127.0.0.1:${E2E.builtinPort}` } },
    { name: "builtin", testDir: "e2e/builtin", testIgnore: "first-run.spec.ts", dependencies: ["builtin-first-run"], use: { baseURL: `http://127.0.0.1:${E2E.builtinPort}` } },
    { name: "cloudflare-access", testDir: "e2e/cloudflare-access", use: { baseURL: `http://127.0.0.1:${E2E.cloudflarePort}` } },
    // Extra app processes of their own (e2e/fixtures/app-process.ts): several copies on one
    // PostgreSQL, stopping on SIGTERM, the standalone build as the Dockerfile runs it.
    { name: "processes", testDir: "e2e/processes", timeout: 180_000 },
    // Every page and dialog at phone and laptop size, axe-checked, once per sign-in mode (e2e/ui/catalogue.ts lists them).
    // A test tagged for the other mode only is left out (not skipped: CI requires none skipped).
    { name: "ui-builtin", testDir: "e2e/ui", dependencies: ["builtin-first-run"], grepInvert: new RegExp(onlyInTag("cloudflare-access")), use: { mode: "builtin", baseURL: `http://127.0.0.1:${E2E.builtinPort}` } },
    { name: "ui-cloudflare-access", testDir: "e2e/ui", grepInvert: new RegExp(onlyInTag("builtin")), use: { mode: "cloudflare-access", baseURL: `http://127.0.0.1:${E2E.cloudflarePort}` } },
    // Passkeys need GATEHOUSE_PUBLIC_URL and a localhost address: these specs start their own
    // app processes (e2e/fixtures/passkey-app.ts), and two on one PostgreSQL for the replicas.
    { name: "passkeys", testDir: "e2e/passkeys" },
  ],
  webServer: [
    {
      command: `${tsx} e2e/fixtures/fake-cloudflare-server.ts`,
      url: `${E2E.fakeCloudflareUrl}/cdn-cgi/access/certs`,
      env: { FAKE_CF_PORT: String(E2E.fakeCloudflarePort), FAKE_CF_AUD: E2E.aud },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `${tsx} e2e/fixtures/start-app.ts builtin ${E2E.builtinPort}`,
      url: `http://127.0.0.1:${E2E.builtinPort}/api/ready`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      command: `${tsx} e2e/fixtures/start-app.ts cloudflare-access ${E2E.cloudflarePort}`,
      url: `http://127.0.0.1:${E2E.cloudflarePort}/api/ready`,
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
  ],
});
