import { expect, test } from "@playwright/test";
import { mintAccessToken, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// In Access mode people sign in by email, so the Users page asks for it first.
test("adding a user: email first, username filled from it, no password needed; they can then sign in", async ({ page, request }) => {
  await page.setExtraHTTPHeaders({ "cf-access-jwt-assertion": await mintAccessToken(request, { email: E2E.cfAdmin.email }) });
  await page.goto("/users");
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  const local = unique("dana").replace(/-/g, ".");
  await dialog.getByLabel("Email").fill(`${local}@example.com`);
  await expect(dialog.getByLabel("Username")).toHaveValue(local);
  await expect(dialog.getByLabel("Password (optional)")).toBeVisible();
  await dialog.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId(`user-row-${local}`)).toBeVisible();

  const res = await request.get("/api/v1/auth/me", { headers: { "cf-access-jwt-assertion": await mintAccessToken(request, { email: `${local.toUpperCase()}@EXAMPLE.COM` }) } });
  expect(res.status()).toBe(200);
  expect((await res.json()).user.username).toBe(local);
});
