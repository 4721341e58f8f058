import { test as base, type Page } from "@playwright/test";
import { mintAccessToken, signInBuiltinAdmin } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import type { Mode } from "./modes";

/**
 * The UI suite's `test`: `mode` is the sign-in mode of the project (playwright.config.ts
 * sets it per project), and `signedIn` a page signed in as the mode's admin, with the
 * headers an API call from the test needs in that mode (the Access assertion; none for
 * built-in sign-in, whose session cookie the page's request context carries).
 */
export const test = base.extend<{ signedIn: { page: Page; headers: Record<string, string> } }, { mode: Mode }>({
  mode: ["builtin", { option: true, scope: "worker" }],
  signedIn: async ({ page, mode }, provide) => {
    let headers: Record<string, string> = {};
    if (mode === "cloudflare-access") {
      headers = { "cf-access-jwt-assertion": await mintAccessToken(page.request, { email: E2E.cfAdmin.email }) };
      await page.setExtraHTTPHeaders(headers);
    } else {
      await signInBuiltinAdmin(page.request);
    }
    await provide({ page, headers });
  },
});
