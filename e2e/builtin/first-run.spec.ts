import { expect, test } from "@playwright/test";
import { signInBuiltinAdmin, unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import { expectPageHolds, SIZES } from "../ui/checks";

// Only this project sees the setup page, so its phone/laptop and axe checks live here
// (e2e/ui/ covers every other page).
test("the setup page holds on a phone and a laptop, with its errors showing", async ({ page }) => {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto("/setup");
    await expect(page.getByRole("heading", { name: "Welcome to Gatehouse" })).toBeVisible();
    await expectPageHolds(page);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    // Every problem at once, the first invalid field focused.
    await expect(page.getByLabel("Username")).toBeFocused();
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    await expectPageHolds(page);
  }
});

// Setup → login → users page, in Chromium, on the fresh database of this run
// (playwright.config.ts runs this file before the rest of the project).
test("first-run setup, sign out, sign in, users page", async ({ page, request, baseURL }) => {
  expect((await (await request.get("/api/v1/auth/setup-required")).json()).setup_required).toBe(true);
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByText("Username must be at least 3 characters")).toBeVisible();
  await page.getByLabel("Username").fill(E2E.builtinAdmin.username);
  await page.getByLabel("Password").fill(E2E.builtinAdmin.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${E2E.builtinAdmin.username}` })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(baseURL!).host);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // Setup is closed now.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Username or email").fill(E2E.builtinAdmin.username);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Incorrect username or password")).toBeVisible();
  await page.getByLabel("Password").fill(E2E.builtinAdmin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${E2E.builtinAdmin.username}` })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(baseURL!).host);
  // Signed in, the login page sends you on.
  await page.goto("/login?next=%2Faccount");
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByText(E2E.builtinAdmin.username, { exact: true }).first()).toBeVisible();
});

test("setup cannot run twice, even through the API", async ({ request }) => {
  await signInBuiltinAdmin(request);
  const res = await request.post("/api/v1/auth/setup", { data: { username: unique("intruder"), password: "password123" } });
  expect(res.status()).toBe(403);
});

test("unauthenticated pages go to the login page, keeping where you were going", async ({ page }) => {
  await page.goto("/providers");
  await expect(page).toHaveURL(/\/login\?next=%2Fproviders$/);
});
