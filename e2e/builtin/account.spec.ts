import { expect, request as playwrightRequest, test, type Browser, type Page } from "@playwright/test";
import { signInBuiltinAdmin, unique } from "../fixtures/api";

// The Account page in Chromium: your own password and your sessions. Each test makes its
// own user, so the sessions listed are the ones the test started.
async function newUser(request: Parameters<typeof signInBuiltinAdmin>[0], password: string): Promise<string> {
  await signInBuiltinAdmin(request);
  const username = unique("acct");
  expect((await request.post("/api/v1/users", { data: { username, password } })).status()).toBe(201);
  return username;
}

/** A browser of its own (its own cookies and User-Agent), signed in through the login page. */
async function browserSignedIn(browser: Browser, baseURL: string, userAgent: string, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, userAgent });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${username}` })).toBeVisible();
  return page;
}

test("changing your own password needs the current one, ends your other sessions and keeps this one", async ({ browser, request, baseURL }) => {
  const username = await newUser(request, "first-password");
  const other = await browserSignedIn(browser, baseURL!, "Other browser/1.0", username, "first-password");
  const page = await browserSignedIn(browser, baseURL!, "This browser/1.0", username, "first-password");
  await page.goto("/account");
  await expect(page.getByTestId("session-row")).toHaveCount(2);

  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password").fill("second-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This is not your current password")).toBeVisible();
  await other.reload();
  await expect(other.getByRole("heading", { name: `Welcome, ${username}` })).toBeVisible(); // nothing changed yet

  await page.getByLabel("Current password").fill("first-password");
  await page.getByLabel("New password").fill("second-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed; your other session was signed out")).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveValue("");

  // This browser stays signed in; the other is sent to the login page at its next request.
  await page.reload();
  await expect(page.getByTestId("account-username")).toHaveText(username);
  await expect(page.getByTestId("session-row")).toHaveCount(1);
  await expect(page.getByTestId("session-row")).toHaveAttribute("data-current", "true");
  await other.goto("/keys");
  await expect(other).toHaveURL(/\/login\?next=%2Fkeys$/);

  // The new password is the one that works.
  expect((await other.request.post("/api/v1/auth/login", { data: { username, password: "first-password" } })).status()).toBe(401);
  expect((await other.request.post("/api/v1/auth/login", { data: { username, password: "second-password" } })).status()).toBe(200);
  await Promise.all([page.context().close(), other.context().close()]);
});

test("ending a session from the Account page signs that browser out on its next request", async ({ browser, request, baseURL }) => {
  const username = await newUser(request, "session-password");
  const laptop = await browserSignedIn(browser, baseURL!, "Laptop browser/2.0", username, "session-password");
  const page = await browserSignedIn(browser, baseURL!, "Desk browser/2.0", username, "session-password");
  await page.goto("/account");
  const laptopRow = page.getByTestId("session-row").filter({ hasText: "Laptop browser/2.0" });
  await expect(laptopRow).toHaveCount(1);
  await expect(page.getByTestId("session-row").filter({ hasText: "Desk browser/2.0" })).toContainText("This browser");

  await laptopRow.getByRole("button", { name: "End" }).click();
  await page.getByRole("dialog", { name: "End this session?" }).getByRole("button", { name: "End session" }).click();
  await expect(laptopRow).toHaveCount(0);

  await laptop.goto("/usage");
  await expect(laptop).toHaveURL(/\/login\?next=%2Fusage$/);
  expect((await laptop.request.get("/api/v1/auth/me")).status()).toBe(401);
  await page.reload();
  await expect(page.getByTestId("account-username")).toHaveText(username);
  await Promise.all([page.context().close(), laptop.context().close()]);
});

test("admins change their own password on the Account page, not on the Users page", async ({ page, request }) => {
  await signInBuiltinAdmin(page.request);
  await page.goto("/users");
  const me = (await (await page.request.get("/api/v1/auth/me")).json()).user;
  await page.getByTestId(`user-row-${me.username}`).getByRole("link", { name: "Change your password on the Account page" }).click();
  await expect(page).toHaveURL(/\/account#password$/);
  await expect(page.getByLabel("Current password")).toBeVisible();

  await signInBuiltinAdmin(request);
  const res = await request.post(`/api/v1/users/${me.id}/password`, { data: { password: "no-current-needed?" } });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toMatch(/Account page/);
});

test("without GATEHOUSE_PUBLIC_URL, passkeys are off and the Account page says why", async ({ page }) => {
  await signInBuiltinAdmin(page.request);
  await page.goto("/account");
  await expect(page.getByTestId("passkeys-unavailable")).toContainText("set GATEHOUSE_PUBLIC_URL");
  await expect(page.getByRole("button", { name: "Add passkey" })).toHaveCount(0);
  expect((await page.request.post("/api/v1/account/passkeys/options")).status()).toBe(403);
  await page.context().clearCookies();
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);
  expect((await (await page.request.get("/api/v1/auth/config")).json()).passkey_login).toBe(false);
});

test("account endpoints need a principal", async ({ baseURL }) => {
  const anon = await playwrightRequest.newContext({ baseURL });
  for (const [method, path] of <[string, string][]>[
    ["POST", "/api/v1/account/password"],
    ["GET", "/api/v1/account/sessions"],
    ["DELETE", `/api/v1/account/sessions/${"0".repeat(64)}`],
    ["GET", "/api/v1/account/passkeys"],
    ["POST", "/api/v1/account/passkeys"],
    ["POST", "/api/v1/account/passkeys/options"],
    ["PATCH", "/api/v1/account/passkeys/00000000-0000-0000-0000-000000000000"],
    ["DELETE", "/api/v1/account/passkeys/00000000-0000-0000-0000-000000000000"],
  ]) {
    const res = await anon.fetch(path, { method, data: method === "GET" || method === "DELETE" ? undefined : {} });
    expect(res.status(), `${method} ${path}`).toBe(401);
  }
  await anon.dispose();
});
