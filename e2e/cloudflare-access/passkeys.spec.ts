import { expect, test } from "@playwright/test";
import { mintAccessToken } from "../fixtures/api";
import { E2E } from "../fixtures/ports";

// In Cloudflare Access mode, Cloudflare is the only door: passkeys, Gatehouse sessions and
// password changes answer 403 like the other built-in sign-in routes.
test("passkey, session and own-password endpoints answer 403", async ({ request }) => {
  const admin = { "cf-access-jwt-assertion": await mintAccessToken(request, { email: E2E.cfAdmin.email }) };
  const calls: [string, string, Record<string, string>][] = [
    ["POST", "/api/v1/auth/passkey/options", {}],
    ["POST", "/api/v1/auth/passkey/login", {}],
    ["GET", "/api/v1/account/passkeys", admin],
    ["POST", "/api/v1/account/passkeys/options", admin],
    ["POST", "/api/v1/account/passkeys", admin],
    ["PATCH", "/api/v1/account/passkeys/00000000-0000-0000-0000-000000000000", admin],
    ["DELETE", "/api/v1/account/passkeys/00000000-0000-0000-0000-000000000000", admin],
    ["GET", "/api/v1/account/sessions", admin],
    ["DELETE", `/api/v1/account/sessions/${"0".repeat(64)}`, admin],
    ["POST", "/api/v1/account/password", admin],
  ];
  for (const [method, path, headers] of calls) {
    const res = await request.fetch(path, { method, headers, data: method === "GET" || method === "DELETE" ? undefined : { name: "x", response: {}, currentPassword: E2E.cfAdmin.password, newPassword: "another-password" } });
    expect(res.status(), `${method} ${path}`).toBe(403);
    expect((await res.json()).error.message, `${method} ${path}`).toMatch(/Cloudflare/);
  }
  expect((await (await request.get("/api/v1/auth/config")).json()).passkey_login).toBe(false);
});

test("the Account page shows no password, passkey or session controls", async ({ page }) => {
  const token = await mintAccessToken(page.request, { email: E2E.cfAdmin.email });
  await page.setExtraHTTPHeaders({ "cf-access-jwt-assertion": token });
  await page.goto("/account");
  await expect(page.getByTestId("account-method")).toHaveText("Cloudflare Access");
  await expect(page.getByText("Passwords, passkeys and Gatehouse sessions are off in this mode.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Passkeys" })).toHaveCount(0);
  await expect(page.getByLabel("Current password")).toHaveCount(0);
});
