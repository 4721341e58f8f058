import { expect, test } from "@playwright/test";
import { mintAccessToken } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// In Chromium, with the Access token injected as the header Cloudflare would add.

/** `token` with claims changed and the signature left as it was. */
function tampered(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const changed = { ...JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")), ...claims };
  return [header, Buffer.from(JSON.stringify(changed)).toString("base64url"), signature].join(".");
}
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

test("a refused token: the 401 page says why, in words a person can act on, and never shows the token", async ({ page, request }) => {
  const cases: { what: string; token: string; heading: string; reason: RegExp; fix: RegExp }[] = [
    {
      what: "expired",
      token: await mintAccessToken(request, { email: E2E.cfAdmin.email, expiresIn: -3600 }),
      heading: "Your Cloudflare Access sign-in has expired",
      reason: /has expired/,
      fix: /Reload the page; Cloudflare asks you to sign in again/,
    },
    {
      what: "another application's",
      token: await mintAccessToken(request, { email: E2E.cfAdmin.email, aud: ["another-application"] }),
      heading: "This token is for another Access application",
      reason: /issued for a different Access application/,
      fix: /CF_ACCESS_AUD/,
    },
    {
      what: "signed by a key the team does not publish",
      token: await mintAccessToken(request, { email: E2E.cfAdmin.email, kid: "retired-key" }),
      heading: "Cloudflare Access did not let this request in",
      reason: /signed with a key your team does not publish/,
      fix: /Reload in a minute/,
    },
    {
      what: "changed on the way",
      token: tampered(await mintAccessToken(request, { email: "someone@example.com" }), { email: E2E.cfAdmin.email }),
      heading: "Cloudflare Access did not let this request in",
      reason: /signature does not match your team's signing keys/,
      fix: /Sign out of Cloudflare Access and sign in again/,
    },
    {
      what: "not a token at all",
      token: "not-a-token",
      heading: "Cloudflare Access did not let this request in",
      reason: /is not a Cloudflare Access token/,
      fix: /Sign out of Cloudflare Access and sign in again/,
    },
  ];
  for (const c of cases) {
    await test.step(c.what, async () => {
      await page.setExtraHTTPHeaders({ "cf-access-jwt-assertion": c.token });
      const response = await page.goto("/keys");
      expect(response?.status()).toBe(401);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(c.heading);
      await expect(page.getByTestId("access-rejection-reason")).toHaveText(c.reason);
      await expect(page.getByTestId("access-rejection-fix")).toHaveText(c.fix);
      // Signing in again can help with each of these: the page offers Cloudflare's logout.
      await expect(page.getByRole("link", { name: "Sign out of Cloudflare Access" })).toHaveAttribute("href", `${E2E.fakeCloudflareUrl}/cdn-cgi/access/logout`);
      expect(await page.content()).not.toContain(c.token);
    });
  }
  // No token at all: where to go instead, and no sign-out (there is nothing to sign out of).
  await page.setExtraHTTPHeaders({});
  expect((await page.goto("/keys"))?.status()).toBe(401);
  await expect(page.getByTestId("access-rejection-reason")).toHaveText(/carried no Cloudflare Access token/);
  await expect(page.getByRole("link", { name: "Sign out of Cloudflare Access" })).toHaveCount(0);
});
