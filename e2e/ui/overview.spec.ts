import { expect, test as base, type Page } from "@playwright/test";
import { mintAccessToken, signInBuiltinAdmin, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import type { Mode } from "./modes";

// The Overview's gateway URLs (issue 10): the full URL an SDK needs, each with a copy
// button named after its provider, in the mode of this project.

const test = base.extend<{ signedIn: { page: Page; headers: Record<string, string> } }, { mode: Mode }>({
  mode: ["builtin", { option: true, scope: "worker" }],
  signedIn: async ({ page, mode }, provide) => {
    let headers: Record<string, string> = {};
    if (mode === "cloudflare-access") {
      headers = { "cf-access-jwt-assertion": await mintAccessToken(page.request, { email: E2E.cfAdmin.email }) };
      await page.setExtraHTTPHeaders(headers);
    } else {
      await signInBuiltinAdmin(page.request);
    }
    await provide({ page, headers });
  },
});

test("every provider's full gateway URL is shown with a copy button that copies it", async ({ signedIn: { page, headers }, baseURL }) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  const key = unique("overview");
  const created = await page.request.post("/api/v1/providers", {
    headers,
    data: { apiType: "cloudflare-ai-gateway", key, name: "Overview check", accountId: "0123456789abcdef0123456789abcdef", gatewayId: "overview", apiKey: "sk-overview", models: "openai/gpt-4o-mini 0.15 0.6" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { providers } = (await (await page.request.get("/api/v1/providers", { headers })).json()) as { providers: { key: string }[] };

  await page.goto("/");
  await expect(page.getByTestId("gateway-urls").getByRole("listitem")).toHaveCount(providers.length);
  const item = page.getByTestId(`gateway-url-${key}`);
  const url = `${baseURL}/gateway/${key}/v1`;
  await expect(item.getByTestId("gateway-url")).toHaveText(url);
  const copy = item.getByRole("button");
  await expect(copy).toHaveAccessibleName(`Copy the gateway URL of Overview check (${key})`);
  await copy.click();
  await expect(copy).toContainText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
});
