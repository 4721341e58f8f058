import OpenAI from "openai";
import { expect, test, type Page } from "@playwright/test";
import { signInBuiltinAdmin, startFakeOpenAI, unique } from "../fixtures/api";

// The admin pages in Chromium: what an admin does on day one.
async function signIn(page: Page) {
  await signInBuiltinAdmin(page.request);
  await page.goto("/");
}

test("users: add with inline errors, then delete after confirming", async ({ page }) => {
  await signIn(page);
  await page.goto("/users");
  const username = unique("grace");
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByLabel("Username").fill(username);
  await dialog.getByLabel("Email (optional)").fill("not-an-email");
  await dialog.getByLabel("Password").fill("short");
  await dialog.getByRole("button", { name: "Add user" }).click();
  await expect(dialog.getByText("Enter a valid email address, like ada@example.com")).toBeVisible();
  await expect(dialog.getByText("Password must be at least 8 characters")).toBeVisible();
  await expect(dialog.getByLabel("Username")).toHaveValue(username); // nothing typed is lost
  await dialog.getByLabel("Email (optional)").fill(`${username}@example.com`);
  await dialog.getByLabel("Password").fill("long-enough-password");
  await dialog.getByRole("button", { name: "Add user" }).click();
  const row = page.getByTestId(`user-row-${username}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(`${username}@example.com`);

  await row.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: `Delete ${username}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: `Delete ${username}?` }).getByRole("button", { name: "Delete user" }).click();
  await expect(row).toHaveCount(0);
});

test("keys: the secret is shown once and works with the SDK", async ({ page, baseURL }) => {
  const upstream = await startFakeOpenAI();
  try {
    await signIn(page);
    const providerKey = unique("oa");
    expect((await page.request.post("/api/v1/providers", { data: { apiType: "openai-completions", key: providerKey, name: "Local", baseUrl: `${upstream.url}/v1` } })).status()).toBe(201);
    await page.goto("/keys");
    const name = unique("laptop");
    await page.getByRole("button", { name: "Create key" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create virtual key" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: /Create/ }).click();
    const secret = (await page.getByTestId("new-key-secret").textContent())!.trim();
    expect(secret).toMatch(/^sk-gh-/);
    await page.getByRole("button", { name: "Done, I have copied it" }).click();
    await expect(page.getByTestId(`key-row-${name}`)).toBeVisible();
    await page.reload();
    expect(await page.content()).not.toContain(secret);

    const client = new OpenAI({ apiKey: secret, baseURL: `${baseURL}/gateway/${providerKey}/v1`, maxRetries: 0 });
    expect((await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] })).choices[0]!.message.content).toContain("Hello");

    await page.getByTestId(`key-row-${name}`).getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByTestId(`key-row-${name}`)).toContainText("Revoked");
    await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
  } finally {
    await upstream.close();
  }
});
