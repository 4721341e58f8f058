import { expect } from "@playwright/test";
import { unique } from "../fixtures/api";
import { test } from "./fixtures";

// The Overview's gateway URLs (issue 10): the full URL an SDK needs, each with a copy
// button named after its provider, in the mode of this project.

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
