import { expect, test } from "@playwright/test";
import { mintAccessToken } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// In Chromium, with the Access token injected as the header Cloudflare would add.
test("a known user sees the dashboard; logout goes to Cloudflare's logout URL", async ({ page, request }) => {
  await page.setExtraHTTPHeaders({ "cf-access-jwt-assertion": await mintAccessToken(request, { email: E2E.cfAdmin.email }) });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: `Welcome, ${E2E.cfAdmin.username}` })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(E2E.cfAdmin.username);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByText(E2E.cfAdmin.email).first()).toBeVisible();
  await page.getByRole("link", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${E2E.fakeCloudflareUrl}/cdn-cgi/access/logout`);
  await expect(page.getByRole("heading", { name: /logged out of Cloudflare Access/ })).toBeVisible();
});

test("an unknown email sees the 403 page with that email", async ({ page, request }) => {
  await page.setExtraHTTPHeaders({ "cf-access-jwt-assertion": await mintAccessToken(request, { email: "Visitor@Example.com" }) });
  const response = await page.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("denied-identity")).toHaveText("visitor@example.com");
  await expect(page.getByText(/ask a Gatehouse admin to add this email/i)).toBeVisible();
});

test("no token: a page that explains Cloudflare Access, and no login form", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Gatehouse is behind Cloudflare Access" })).toBeVisible();
  await expect(page.locator('input[type="password"]')).toHaveCount(0);
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in through Cloudflare Access" })).toBeVisible();
  await expect(page.locator('input[type="password"]')).toHaveCount(0);
});
