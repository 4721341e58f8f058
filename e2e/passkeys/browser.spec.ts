import { expect, test, type Page } from "@playwright/test";
import { startPasskeyApp, type PasskeyApp } from "../fixtures/passkey-app";

// Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol WebAuthn
// domain: https://chromedevtools.github.io/devtools-protocol/tot/WebAuthn/), on a Gatehouse
// whose GATEHOUSE_PUBLIC_URL is the localhost address the browser uses.
let gatehouse: PasskeyApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  gatehouse = await startPasskeyApp("pkbrowser");
});
test.afterAll(async () => {
  await gatehouse?.close();
});

/** A platform authenticator that holds discoverable credentials and verifies the user. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials };
}

/** Signs the page's context in as ada, running first-run setup if this process has no users yet. */
async function signInAda(page: Page) {
  const { setup_required } = await (await page.request.get(`${gatehouse.url}/api/v1/auth/setup-required`)).json();
  const res = await page.request.post(`${gatehouse.url}/api/v1/auth/${setup_required ? "setup" : "login"}`, { data: { username: "ada", password: "ada-password-1" } });
  expect(res.ok()).toBe(true);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("register a passkey, sign out, sign in with it without a username; deleted, it signs nobody in", async ({ page }) => {
  const authenticator = await addVirtualAuthenticator(page);
  await signInAda(page);

  await page.goto(`${gatehouse.url}/account`);
  await page.getByRole("button", { name: "Add passkey" }).click();
  await expect(page.getByText("Name this passkey, e.g. Work laptop")).toBeVisible();
  await page.getByLabel("New passkey's name").fill("Virtual laptop");
  await page.getByRole("button", { name: "Add passkey" }).click();
  const row = page.getByTestId("passkey-row-Virtual laptop");
  await expect(row).toBeVisible();
  await expect(row).toContainText("last used never");
  const held = await authenticator.credentials();
  expect(held).toHaveLength(1);
  expect(held[0]!.isResidentCredential).toBe(true);
  await expect(page.getByLabel("New passkey's name")).toHaveValue("");

  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, ada" })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(gatehouse.url);
  expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(held[0]!.signCount);
  await page.goto(`${gatehouse.url}/account`);
  await expect(row).not.toContainText("last used never");

  await row.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete passkey Virtual laptop?" }).getByRole("button", { name: "Delete passkey" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByText("No passkeys yet.")).toBeVisible();

  await signOut(page);
  // The authenticator still holds the credential and offers it; Gatehouse refuses it.
  expect(await authenticator.credentials()).toHaveLength(1);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByTestId("passkey-error")).toContainText("This passkey is not registered with Gatehouse");
  await expect(page).toHaveURL(/\/login$/);
  expect((await page.request.get(`${gatehouse.url}/api/v1/auth/me`)).status()).toBe(401);
});

test("the passkey sign-in goes where the person was going", async ({ page }) => {
  await addVirtualAuthenticator(page);
  await signInAda(page);
  await page.goto(`${gatehouse.url}/account`);
  await page.getByLabel("New passkey's name").fill("Second");
  await page.getByRole("button", { name: "Add passkey" }).click();
  await expect(page.getByTestId("passkey-row-Second")).toBeVisible();
  await signOut(page);

  await page.goto(`${gatehouse.url}/keys`);
  await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(`${gatehouse.url}/keys`);
});
