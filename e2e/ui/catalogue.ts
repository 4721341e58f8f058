import { expect, request as playwrightRequest, type Locator, type Page } from "@playwright/test";
import { signInBuiltinAdmin } from "../fixtures/api";
import type { Mode } from "./modes";
import type { Seed } from "./seed";

export type { Mode } from "./modes";

/**
 * Every page and every dialog of Gatehouse, as the UI suite (pages.spec.ts) visits them:
 * in both sign-in modes, at phone and laptop size, each checked for sideways scroll and
 * axe's serious/critical violations, each dialog also for fitting the viewport with its
 * buttons visible and clickable (checks.ts).
 *
 * A new page or dialog gets an entry here; the suite picks it up. Data the entries need
 * (ids, names) comes from `seed` (seed.ts), created once per run through the API.
 *
 * An entry of one sign-in mode only (`modes`) is tagged (modes.ts) and the other mode's
 * project leaves it out by `grepInvert` (playwright.config.ts), so it is neither run nor
 * reported as skipped there.
 *
 * Not here: the passkey dialogs (rename, delete), which need a Gatehouse with passkeys
 * on (GATEHOUSE_PUBLIC_URL on localhost); e2e/passkeys/account-dialogs.spec.ts checks them
 * with the same checks.
 */

/**
 * Who visits: the seeded admin or user, nobody, or (Access mode) a verified email that is
 * no user, or the admin with an expired Access token.
 */
export type Visitor = "admin" | "user" | "anonymous" | "unknown-email" | "expired-token";

interface Common {
  /** Test title. */
  name: string;
  path: string | ((seed: Seed) => string);
  /** Default: admin. */
  as?: Visitor;
  /** Default: both. */
  modes?: Mode[];
}

export interface PageEntry extends Common {
  /** HTTP status of the document; default 200. */
  status?: number;
  /** What shows that the page has rendered (e.g. its heading). */
  ready: (page: Page, seed: Seed) => Locator;
}

export interface DialogEntry extends Common {
  /** Opens the dialog from the loaded page (clicks its trigger). */
  open: (page: Page, seed: Seed) => Promise<void>;
  /** The dialog's accessible name (its title). */
  dialog: string | RegExp | ((seed: Seed) => string | RegExp);
  /**
   * Optional second state to check too, e.g. submit it empty so the field errors show;
   * returns the dialog to check then (default: the same one).
   */
  then?: { name: string; run: (page: Page, dialog: Locator, seed: Seed) => Promise<Locator | void> };
}

const heading = (name: string | RegExp) => (page: Page) => page.getByRole("heading", { level: 1, name });

export const PAGES: PageEntry[] = [
  { name: "overview", path: "/", ready: (page, seed) => page.getByRole("heading", { level: 1, name: `Welcome, ${seed.admin.username}` }) },
  { name: "virtual keys", path: "/keys", ready: heading("Virtual keys") },
  { name: "models", path: "/models", ready: heading("Models") },
  { name: "usage", path: "/usage", ready: heading("Usage") },
  { name: "providers", path: "/providers", ready: heading("Providers") },
  { name: "add provider", path: "/providers/new", ready: heading("Add provider") },
  { name: "edit provider", path: (seed) => `/providers/${seed.provider.id}`, ready: (page, seed) => page.getByRole("heading", { level: 1, name: seed.provider.name }) },
  { name: "users", path: "/users", ready: heading("Users") },
  { name: "account", path: "/account", ready: heading("Account") },
  { name: "not found", path: "/no-such-page", status: 404, ready: heading("Nothing here") },

  { name: "overview as a user", as: "user", path: "/", ready: (page, seed) => page.getByRole("heading", { level: 1, name: `Welcome, ${seed.user.username}` }) },
  { name: "virtual keys as a user", as: "user", path: "/keys", ready: heading("Virtual keys") },
  { name: "models as a user", as: "user", path: "/models", ready: heading("Models") },
  { name: "usage as a user", as: "user", path: "/usage", ready: heading("Usage") },
  { name: "account as a user", as: "user", path: "/account", ready: heading("Account") },
  { name: "admin page refused to a user (403)", as: "user", path: "/users", status: 403, ready: heading("This page is for admins") },

  { name: "sign in", as: "anonymous", modes: ["builtin"], path: "/login", ready: heading("Sign in") },
  { name: "no Access token (401)", as: "anonymous", modes: ["cloudflare-access"], path: "/", status: 401, ready: heading("Gatehouse is behind Cloudflare Access") },
  { name: "expired Access token (401)", as: "expired-token", modes: ["cloudflare-access"], path: "/keys", status: 401, ready: heading("Your Cloudflare Access sign-in has expired") },
  { name: "Access required", as: "anonymous", modes: ["cloudflare-access"], path: "/access/required", ready: heading("Gatehouse is behind Cloudflare Access") },
  { name: "sign in, Access mode", as: "anonymous", modes: ["cloudflare-access"], path: "/login", ready: heading("Sign in through Cloudflare Access") },
  { name: "unknown email (403)", as: "unknown-email", modes: ["cloudflare-access"], path: "/", status: 403, ready: heading("You are signed in, but not a Gatehouse user") },
  { name: "access denied", as: "unknown-email", modes: ["cloudflare-access"], path: "/access/denied", ready: heading("You are signed in, but not a Gatehouse user") },
  { name: "Access keys unavailable", as: "anonymous", modes: ["cloudflare-access"], path: "/access/unavailable", ready: heading("Cloudflare Access keys are unavailable") },
];

/** Submits the dialog's form with nothing typed, to check it with its field errors showing. */
const submitEmpty = (submit: string) => ({
  name: "with field errors",
  run: async (page: Page, dialog: Locator) => {
    await dialog.getByRole("button", { name: submit, exact: true }).click();
    await expect(dialog.locator('[aria-invalid="true"]').first()).toBeVisible();
  },
});

const row = (page: Page, testId: string) => page.getByTestId(testId);

export const DIALOGS: DialogEntry[] = [
  {
    name: "add user",
    path: "/users",
    open: (page) => page.getByRole("button", { name: "Add user" }).first().click(),
    dialog: "Add user",
    then: submitEmpty("Add user"),
  },
  {
    name: "edit the last admin",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.admin.username}`).getByRole("button", { name: "Edit" }).click(),
    dialog: (seed) => `Edit ${seed.admin.username}`,
  },
  {
    name: "edit user",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.user.username}`).getByRole("button", { name: "Edit" }).click(),
    dialog: (seed) => `Edit ${seed.user.username}`,
  },
  {
    name: "set a user's password",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.user.username}`).getByRole("button", { name: /password/ }).click(),
    dialog: /password for/,
    then: submitEmpty("Reset password"),
  },
  {
    name: "delete user",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.user.username}`).getByRole("button", { name: "Delete" }).click(),
    dialog: (seed) => `Delete ${seed.user.username}?`,
  },
  {
    name: "service tokens of a user",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.user.username}`).getByRole("button", { name: /service token/ }).click(),
    dialog: (seed) => `Service tokens · ${seed.user.username}`,
  },
  {
    name: "unlink a service token",
    path: "/users",
    open: async (page, seed) => {
      await row(page, `user-row-${seed.user.username}`).getByRole("button", { name: /service token/ }).click();
      await page.getByTestId(`service-token-${seed.serviceToken.clientId}`).getByRole("button", { name: "Unlink" }).click();
    },
    dialog: "Unlink service token?",
  },
  {
    name: "create key",
    path: "/keys",
    open: (page) => page.getByRole("button", { name: "Create key" }).first().click(),
    dialog: "Create virtual key",
    then: {
      name: "showing the new secret",
      run: async (page, dialog) => {
        await dialog.getByLabel("Name").fill(`ui-suite-${Date.now().toString(36)}`);
        await dialog.getByRole("button", { name: "Create key", exact: true }).click();
        const secret = page.getByRole("dialog", { name: "Copy your new key" });
        await expect(secret.getByTestId("new-key-secret")).toBeVisible();
        return secret;
      },
    },
  },
  {
    name: "create key as a user",
    as: "user",
    path: "/keys",
    open: (page) => page.getByRole("button", { name: "Create key" }).first().click(),
    dialog: "Create virtual key",
    then: submitEmpty("Create key"),
  },
  {
    name: "revoke key",
    path: "/keys",
    open: (page, seed) => row(page, `key-row-${seed.key.name}`).getByRole("button", { name: "Revoke" }).click(),
    dialog: (seed) => `Revoke ${seed.key.name}?`,
  },
  {
    name: "end a session",
    modes: ["builtin"],
    path: "/account",
    open: async (page) => {
      // A second session of the admin, so the list has one to end besides this browser's.
      const elsewhere = await playwrightRequest.newContext({ baseURL: new URL(page.url()).origin });
      await signInBuiltinAdmin(elsewhere);
      await elsewhere.dispose();
      await page.reload();
      await page.locator('[data-testid="session-row"]:not([data-current])').first().getByRole("button", { name: /^End / }).click();
    },
    dialog: "End this session?",
  },
  {
    name: "edit key",
    path: "/keys",
    open: (page, seed) => row(page, `key-row-${seed.key.name}`).getByRole("button", { name: `Edit ${seed.key.name}` }).click(),
    dialog: (seed) => `Edit ${seed.key.name}`,
    then: {
      name: "with field errors",
      run: async (page, dialog) => {
        await dialog.getByLabel("Budget (USD)").fill("-1");
        await dialog.getByRole("button", { name: "Save changes" }).click();
        await expect(dialog.locator('[aria-invalid="true"]').first()).toBeVisible();
      },
    },
  },
  {
    name: "limits of a user",
    path: "/users",
    open: (page, seed) => row(page, `user-row-${seed.user.username}`).getByRole("button", { name: `Limits for ${seed.user.username}` }).click(),
    dialog: (seed) => `Limits for ${seed.user.username}`,
  },
  {
    name: "details of a call",
    path: "/usage",
    open: (page) => page.getByTestId("usage-row").first().getByRole("button", { name: /Details/ }).click(),
    dialog: /^Call \d+$/,
  },
  {
    name: "delete provider",
    path: "/providers",
    open: (page, seed) => row(page, `provider-row-${seed.provider.key}`).getByRole("button", { name: "Delete" }).click(),
    // Display names may repeat; the key in the title names the provider unambiguously.
    dialog: (seed) => `Delete ${seed.provider.name} (${seed.provider.key})?`,
  },
];
