import { expect, test, type Page } from "@playwright/test";
import { startPasskeyApp, type PasskeyApp } from "../fixtures/passkey-app";
import { expectDialogHolds, expectPageHolds, SIZES } from "../ui/checks";

// The Account page with a passkey, and the passkey dialogs (rename, delete), at phone and
// laptop size with the UI suite's checks (e2e/ui/checks.ts). They live here, not in the
// UI catalogue: a passkey needs a Gatehouse with passkeys on (e2e/fixtures/passkey-app.ts),
// and the catalogue's shared servers keep them off. Built-in mode only: Access mode has no passkeys.
let gatehouse: PasskeyApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  gatehouse = await startPasskeyApp("pkdialogs");
});
test.afterAll(async () => {
  await gatehouse?.close();
});

/** A virtual platform authenticator (Chrome DevTools Protocol WebAuthn domain) that verifies the user. */
async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

for (const size of SIZES) {
  test(`the Account page with a passkey, and the rename and delete passkey dialogs, hold at ${size.name} size (${size.width}×${size.height})`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    try {
      const page = await context.newPage();
      await addVirtualAuthenticator(page);
      const { setup_required } = await (await page.request.get(`${gatehouse.url}/api/v1/auth/setup-required`)).json();
      const signIn = await page.request.post(`${gatehouse.url}/api/v1/auth/${setup_required ? "setup" : "login"}`, { data: { username: "grace", password: "grace-password-1" } });
      expect(signIn.ok(), await signIn.text()).toBe(true);

      const name = `Laptop ${size.name}`;
      await page.goto(`${gatehouse.url}/account`);
      await page.getByLabel("New passkey's name").fill(name);
      await page.getByRole("button", { name: "Add passkey" }).click();
      const row = page.getByTestId(`passkey-row-${name}`);
      await expect(row).toBeVisible();
      await expectPageHolds(page);

      await row.getByRole("button", { name: "Rename" }).click();
      const rename = page.getByRole("dialog", { name: `Rename ${name}` });
      await expectDialogHolds(page, rename);
      // With its field error showing, too.
      await rename.getByLabel("Name").fill("");
      await rename.getByRole("button", { name: "Save", exact: true }).click();
      await expect(rename.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
      await expectDialogHolds(page, rename);
      await page.keyboard.press("Escape");
      await expect(rename).toBeHidden();

      await row.getByRole("button", { name: "Delete" }).click();
      const remove = page.getByRole("dialog", { name: `Delete passkey ${name}?` });
      await expectDialogHolds(page, remove);
      await page.keyboard.press("Escape");
      await expect(remove).toBeHidden();
    } finally {
      await context.close();
    }
  });
}
