import { expect } from "@playwright/test";
import { E2E } from "../fixtures/ports";
import { DIALOGS, PAGES, type Visitor } from "./catalogue";
import { test } from "./fixtures";
import { modeTags, type Mode } from "./modes";
import { expectButtonsUsable, expectDialogHolds, expectPageHolds, SIZES } from "./checks";
import { seed as seedData, Visitors, type Identity, type Seed } from "./seed";

// Every page and dialog of catalogue.ts, at phone and laptop size, in the sign-in mode of
// this project (playwright.config.ts runs the file once per mode; an entry of one mode is
// tagged, and the other mode's project greps it out, so nothing is skipped). One browser context
// per size and visitor, signed in once; the data comes from one seed per run.

const baseUrlOf = (mode: Mode) => `http://127.0.0.1:${mode === "builtin" ? E2E.builtinPort : E2E.cloudflarePort}`;
let seeded: { seed: Seed; identities: Map<Visitor, Identity> } | undefined;

test.beforeAll(async ({ mode }) => {
  test.setTimeout(120_000);
  seeded = await seedData(mode, baseUrlOf(mode));
});

for (const size of SIZES) {
  test.describe(`${size.name} ${size.width}×${size.height}`, () => {
    let visitors: Visitors;
    test.beforeAll(async ({ browser, mode }) => {
      visitors = new Visitors(browser, seeded!.identities, { width: size.width, height: size.height }, baseUrlOf(mode));
    });
    test.afterAll(async () => {
      await visitors?.close();
    });

    for (const entry of PAGES) {
      test(`page: ${entry.name}`, { tag: modeTags(entry.modes) }, async ({ mode }) => {
        expect(entry.modes ?? [mode], `run only in the project of its mode (grepInvert)`).toContain(mode);
        const { seed } = seeded!;
        const who = entry.as ?? "admin";
        const page = await visitors.page(who);
        try {
          const path = typeof entry.path === "function" ? entry.path(seed) : entry.path;
          const response = await page.goto(path);
          expect(response?.status(), `${path} status`).toBe(entry.status ?? 200);
          await expect(entry.ready(page, seed)).toBeVisible();
          await expectPageHolds(page);
        } catch (err) {
          await visitors.discard(who);
          throw err;
        }
      });
    }

    for (const entry of DIALOGS) {
      test(`dialog: ${entry.name}`, { tag: modeTags(entry.modes) }, async ({ mode }) => {
        expect(entry.modes ?? [mode], `run only in the project of its mode (grepInvert)`).toContain(mode);
        const { seed } = seeded!;
        const who = entry.as ?? "admin";
        const page = await visitors.page(who);
        try {
          // Dialogs of one page share one load of it; each test closes its dialog again.
          const path = typeof entry.path === "function" ? entry.path(seed) : entry.path;
          if (new URL(page.url(), "http://x").pathname !== path) await page.goto(path);
          await entry.open(page, seed);
          const name = typeof entry.dialog === "function" ? entry.dialog(seed) : entry.dialog;
          const dialog = page.getByRole("dialog", { name });
          await expectDialogHolds(page, dialog);
          if (entry.then) {
            await test.step(entry.then.name, async () => {
              const next = (await entry.then!.run(page, dialog, seed)) ?? dialog;
              await expectDialogHolds(page, next);
            });
          }
          // Close every open dialog (Escape closes the top one). A dialog that would lose
          // something (a secret shown once) asks first: its question must be usable too.
          for (let i = 0; i < 3 && (await page.locator("dialog[open]").count()) > 0; i++) {
            const open = page.locator("dialog[open]");
            const before = await open.count();
            await page.keyboard.press("Escape");
            const question = page.getByTestId("confirm-close").filter({ visible: true });
            await expect.poll(async () => (await question.isVisible()) || (await open.count()) < before, "Escape closes the dialog or asks first").toBe(true);
            if (await question.isVisible()) {
              await expectButtonsUsable(page, question);
              await question.getByRole("button").last().click();
            }
          }
          await expect(page.locator("dialog[open]")).toHaveCount(0);
        } catch (err) {
          await visitors.discard(who);
          throw err;
        }
      });
    }
  });
}
