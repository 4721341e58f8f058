import { expect } from "@playwright/test";
import { unique } from "../fixtures/api";
import { E2E } from "../fixtures/ports";
import { test } from "./fixtures";

// No destructive action offered where it will be refused (issue 10): the last admin gets no
// Delete and a fixed role, the API refuses both anyway; with a second admin both come back.

test("the last admin is offered no Delete and no other role; a second admin brings both back", async ({ signedIn: { page, headers }, mode }) => {
  const adminName = mode === "cloudflare-access" ? E2E.cfAdmin.username : E2E.builtinAdmin.username;
  const users = (await (await page.request.get("/api/v1/users", { headers })).json()).users as { id: string; username: string; role: string }[];
  expect(
    users.filter((u) => u.role === "admin").map((u) => u.username),
    "the e2e servers have one admin (a test that adds one removes it again)",
  ).toEqual([adminName]);
  const admin = users.find((u) => u.username === adminName)!;

  await page.goto("/users");
  const adminRow = page.getByTestId(`user-row-${adminName}`);
  await expect(adminRow.getByTestId("last-admin-note")).toHaveText("Last admin: cannot be deleted");
  await expect(adminRow.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await adminRow.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${adminName}` });
  await expect(edit.getByLabel("Role")).toBeDisabled();
  await expect(edit.getByLabel("Role")).toHaveAccessibleDescription(/the last admin\. Make another user an admin first\./);
  // Saving the email still works: the disabled role is simply not sent.
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  // The API refuses what the page does not offer.
  expect((await page.request.delete(`/api/v1/users/${admin.id}`, { headers })).status()).toBe(409);
  expect((await page.request.patch(`/api/v1/users/${admin.id}`, { headers, data: { role: "user" } })).status()).toBe(409);

  const second = unique("second-admin");
  const created = await page.request.post("/api/v1/users", { headers, data: { username: second, email: `${second}@example.com`, password: "second-admin-password", role: "admin" } });
  expect(created.status(), await created.text()).toBe(201);
  try {
    await page.reload();
    await expect(adminRow.getByTestId("last-admin-note")).toHaveCount(0);
    await expect(adminRow.getByRole("button", { name: `Delete ${adminName}` })).toBeVisible();
    await adminRow.getByRole("button", { name: "Edit" }).click();
    await expect(edit.getByLabel("Role")).toBeEnabled();
    await page.keyboard.press("Escape");

    // Deleting the second admin through the page makes the first the last again.
    const secondRow = page.getByTestId(`user-row-${second}`);
    await secondRow.getByRole("button", { name: `Delete ${second}` }).click();
    await page.getByRole("dialog", { name: `Delete ${second}?` }).getByRole("button", { name: "Delete user" }).click();
    await expect(secondRow).toHaveCount(0);
    await expect(adminRow.getByTestId("last-admin-note")).toBeVisible();
  } finally {
    // Whatever failed above, leave the server with one admin for the other tests (404 if the page deleted it).
    const id = (await created.json()).user.id as string;
    expect([204, 404]).toContain((await page.request.delete(`/api/v1/users/${id}`, { headers })).status());
  }
});
