import { expect, test, type Page } from "@playwright/test";
import { fakeCloudflare, signInBuiltinAdmin, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// The provider form in Chromium: a Cloudflare AI Gateway in Unified Billing mode, from
// first errors through Test (against the loopback fake AI Gateway) to reopening it.
async function signIn(page: Page) {
  await signInBuiltinAdmin(page.request);
  await page.goto("/");
}

const ACCOUNT = "0123456789abcdef0123456789abcdef";

test("providers: a Cloudflare AI Gateway in Unified Billing mode — field errors, endpoint preview, Test, reopened with every field", async ({ page }) => {
  await signIn(page);
  await page.goto("/providers/new");
  const key = unique("cfub");
  await page.getByLabel("API type").selectOption("cloudflare-ai-gateway");
  await expect(page.getByRole("radio", { name: /Unified Billing/ })).toBeChecked();
  await page.getByLabel("Name").fill("Cloudflare Unified");
  await page.getByLabel("Key", { exact: true }).fill(key);
  await page.getByLabel("Account ID").fill("not-an-account");
  await page.getByLabel("Gateway", { exact: true }).fill("prod-gw");
  await page.getByLabel("Cloudflare API token").fill("cf-aig-token-e2e-0123456789");
  await page.getByLabel("Models").fill("gpt-4o");
  await page.getByRole("button", { name: "Add provider" }).click();

  // Both field errors, each under its field.
  await expect(page.getByText(/Account ID is 32 hexadecimal characters/)).toBeVisible();
  await expect(page.getByText(/line 1: "gpt-4o" has no provider part: .*provider\/model/)).toBeVisible();
  await expect(page.getByLabel("Account ID")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Models")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Account ID").fill(ACCOUNT);
  await expect(page.getByTestId("endpoint-preview")).toHaveText(`${E2E.fakeCloudflareUrl}/v1/${ACCOUNT}/prod-gw/compat`);
  await page.getByLabel("Models").fill('openai/gpt-4o-mini 0.15 0.6 0.075 name="GPT-4o mini" context=128000\n@cf/meta/llama-3.1-8b-instruct 0.02');

  // Test before saving: the typed token goes to the fake AI Gateway as cf-aig-authorization.
  await fakeCloudflare(page.request, "reset");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const result = page.getByTestId("test-result");
  await expect(result).toContainText(/Works · HTTP 200 · \d+ ms/);
  const sent = (await fakeCloudflare(page.request, "requests")) as { path: string; headers: Record<string, string>; body: string }[];
  expect(sent.at(-1)).toMatchObject({ path: `/v1/${ACCOUNT}/prod-gw/compat/chat/completions`, headers: { "cf-aig-authorization": "Bearer cf-aig-token-e2e-0123456789" } });
  expect(sent.at(-1)!.headers.authorization).toBeUndefined();
  expect(JSON.parse(sent.at(-1)!.body)).toMatchObject({ model: "openai/gpt-4o-mini", max_tokens: 1 });

  await page.getByRole("button", { name: "Add provider" }).click();
  await expect(page).toHaveURL(/\/providers$/);
  const row = page.getByTestId(`provider-row-${key}`);
  await expect(row).toContainText("Cloudflare AI Gateway");
  await expect(row).toContainText("Stored …6789");

  // The list's Test button probes the stored provider.
  await row.getByRole("button", { name: /^Test/ }).click();
  await expect(row.getByTestId("test-result")).toContainText(/Works · HTTP 200 · \d+ ms/);

  // Reopen: every field parsed back; the token only as stored + last four.
  await row.getByRole("link", { name: /Edit/ }).click();
  await expect(page.getByRole("radio", { name: /Unified Billing/ })).toBeChecked();
  await expect(page.getByLabel("Account ID")).toHaveValue(ACCOUNT);
  await expect(page.getByLabel("Gateway", { exact: true })).toHaveValue("prod-gw");
  await expect(page.getByLabel("Cloudflare API token", { exact: true })).toHaveValue("");
  await expect(page.getByText("Stored, ending in …6789.")).toBeVisible();
  await expect(page.getByLabel("Models")).toHaveValue('openai/gpt-4o-mini 0.15 0.6 0.075 name="GPT-4o mini" context=128000\nworkers-ai/@cf/meta/llama-3.1-8b-instruct 0.02');
  await expect(page.getByTestId("endpoint-preview")).toHaveText(`${E2E.fakeCloudflareUrl}/v1/${ACCOUNT}/prod-gw/compat`);
  expect(await page.content()).not.toContain("cf-aig-token-e2e-0123456789");

  // Saving unchanged keeps everything; switching mode needs the provider key.
  await page.getByRole("radio", { name: /Provider key in the request/ }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/Enter the provider's API key/)).toBeVisible();
});

test("providers: an unreachable base URL fails the Test with the reason, and Fetch models fills the list", async ({ page }) => {
  await signIn(page);
  await page.goto("/providers/new");
  await page.getByLabel("API type").selectOption("openai-completions");
  await page.getByLabel("Base URL").fill("http://127.0.0.1:1/v1");
  await expect(page.getByTestId("plain-http-note")).toBeVisible();
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(/Failed.*connection refused/s);

  // The fake AI Gateway also answers /v1/models in OpenAI's shape.
  await page.getByLabel("Base URL").fill(`${E2E.fakeCloudflareUrl}/v1/${ACCOUNT}/gw/compat`);
  await page.getByLabel("Models").fill("already-here 1 2");
  await page.getByRole("button", { name: "Fetch models" }).click();
  await expect(page.getByTestId("test-result")).toContainText(/1 model listed; 1 added to the list/);
  await expect(page.getByLabel("Models")).toHaveValue("already-here 1 2\nfake-model");
});
