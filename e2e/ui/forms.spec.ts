import { expect, type Locator } from "@playwright/test";
import { SIZES } from "./checks";
import { test } from "./fixtures";

// Form behaviour (issue 10, item 3) and the phone navigation, in the mode of this project.

/** The ids in a control's aria-describedby, resolved to the text of those elements. */
async function descriptions(control: Locator): Promise<string[]> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  return Promise.all(ids.map((id) => control.page().locator(`[id="${id}"]`).innerText()));
}

test("a failed submit shows every field's errors at once, one per line, linked to the field, and focuses the first", async ({ signedIn: { page }, mode }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Add user" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  const username = dialog.getByLabel("Username");
  const email = dialog.getByLabel(/^Email/);
  const password = dialog.getByLabel(/^Password/);
  // Limits are enforced as you type, not only by the server.
  await expect(username).toHaveAttribute("maxlength", "64");
  await expect(email).toHaveAttribute("maxlength", "254");
  await expect(password).toHaveAttribute("maxlength", "256");

  await dialog.getByRole("button", { name: "Add user", exact: true }).click();
  // Both problems of the empty form in one answer (built-in: username and password;
  // Access: email and username), each control marked invalid.
  const invalid = mode === "builtin" ? [username, password] : [email, username];
  for (const control of invalid) await expect(control).toHaveAttribute("aria-invalid", "true");
  // Focus lands on the first invalid field, in the order of the form.
  await expect(invalid[0]!).toBeFocused();

  // Two messages for one field are two lines, and the field's description reads them.
  const usernameErrors = await descriptions(username);
  expect(usernameErrors[0]!.split("\n")).toEqual(["Username must be at least 3 characters", "Username may use letters, digits and . _ @ + - only"]);
  const usernameList = dialog.locator(`[id="${(await username.getAttribute("aria-describedby"))!.split(" ")[0]}"] li`);
  await expect(usernameList).toHaveCount(2);
  if (mode === "builtin") expect((await descriptions(password))[0]).toBe("Enter a password");
  else expect((await descriptions(email))[0]).toBe("Enter the email this person signs in to Cloudflare Access with");
  await expect(dialog.getByTestId("form-message")).toHaveText("2 fields need attention.");

  // Fix the first field: the next submit focuses the one still wrong, and nothing typed is lost.
  if (mode === "builtin") {
    await username.fill("ui-form-check");
    await dialog.getByRole("button", { name: "Add user", exact: true }).click();
    await expect(password).toBeFocused();
    await expect(username).not.toHaveAttribute("aria-invalid");
    await expect(username).toHaveValue("ui-form-check");
  } else {
    await email.fill("not-an-email");
    await dialog.getByRole("button", { name: "Add user", exact: true }).click();
    await expect(email).toBeFocused();
    expect(await descriptions(email)).toContain("Enter a valid email address, like ada@example.com");
    await expect(email).toHaveValue("not-an-email");
  }
});

test.describe("navigation on a phone", () => {
  test.use({ viewport: { width: SIZES[0].width, height: SIZES[0].height } });

  test("collapses into a menu that opens, navigates and closes", async ({ signedIn: { page } }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await nav.getByRole("link", { name: "Usage" }).click();
    await expect(page).toHaveURL(/\/usage$/);
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });
});

test.describe("navigation on a laptop", () => {
  test.use({ viewport: { width: SIZES[1].width, height: SIZES[1].height } });

  test("is a sidebar, always open", async ({ signedIn: { page } }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Virtual keys" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  });

  test("shows progress at once while the next page loads", async ({ signedIn: { page } }) => {
    await page.goto("/");
    // A slow connection: the next page's data is held until the bar has been seen.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/usage(\?|$)/, async (route) => {
      await released;
      await route.continue();
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
    await expect(page.getByTestId("link-progress")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Loading…" })).toHaveCount(1);
    release();
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    await expect(page.getByTestId("link-progress")).toHaveCount(0);
  });
});
