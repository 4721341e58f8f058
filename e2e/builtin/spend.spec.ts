import fs from "node:fs";
import OpenAI, { RateLimitError } from "openai";
import { expect, test } from "@playwright/test";
import { signInBuiltinAdmin, startFakeOpenAI, unique } from "../fixtures/api";

// Spend control as a person uses it, in Chromium: a key with a daily budget created on the
// Keys page, calls through it with the openai SDK, the call found on the Usage page (chart,
// breakdown, detail drawer) and in the CSV export, then the key run over its budget and the
// refusal seen on the page.

// $1000 per million tokens each way: a call to the fake upstream (8 prompt + 6 completion tokens) costs $0.014.
const MODEL = { id: "spend-model", inputCostPerMTok: 1000, outputCostPerMTok: 1000 };

test.describe("spend control in the browser", () => {
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  test.beforeAll(async () => {
    upstream = await startFakeOpenAI();
  });
  test.afterAll(async () => upstream.close());

  test("a key with a budget: its calls on the Usage page and in the CSV, then refused once the budget is spent", async ({ page, baseURL }) => {
    test.setTimeout(120_000);
    await signInBuiltinAdmin(page.request);
    const provider = unique("spend");
    const made = await page.request.post("/api/v1/providers", {
      data: { apiType: "openai-completions", key: provider, name: `Spend ${provider}`, baseUrl: `${upstream.url}/v1`, apiKey: "sk-upstream-spend", models: [MODEL] },
    });
    expect(made.status()).toBe(201);

    // Create the key with a $0.02 daily budget.
    const name = unique("budgeted");
    await page.goto("/keys");
    await page.getByRole("button", { name: "Create key" }).first().click();
    const create = page.getByRole("dialog", { name: "Create virtual key" });
    await create.getByLabel("Name").fill(name);
    await create.getByRole("checkbox", { name: new RegExp(provider) }).check();
    await create.getByLabel("Budget (USD)").fill("0.02");
    await create.getByLabel("Budget period").selectOption("day");
    await create.getByRole("button", { name: "Create key", exact: true }).click();

    // The secret is shown once: Escape asks before closing, and "Keep it open" keeps it.
    const shown = page.getByRole("dialog", { name: "Copy your new key" });
    const secret = (await shown.getByTestId("new-key-secret").textContent())!.trim();
    expect(secret).toMatch(/^sk-gh-/);
    await page.keyboard.press("Escape");
    await expect(shown.getByTestId("confirm-close")).toContainText("It will not be shown again");
    await expect(shown).toBeVisible();
    await shown.getByRole("button", { name: "Keep it open" }).click();
    await expect(shown.getByTestId("confirm-close")).toHaveCount(0);
    await shown.getByRole("button", { name: "Close" }).click();
    await expect(shown.getByTestId("confirm-close")).toBeVisible();
    await shown.getByRole("button", { name: "Keep it open" }).click();
    await shown.getByRole("button", { name: "Done, I have copied it" }).click();
    await expect(shown).toBeHidden();
    const keyRow = page.getByTestId(`key-row-${name}`);
    await expect(keyRow.getByTestId("key-spend")).toContainText("of $0.02");

    // One call with the official SDK.
    const client = new OpenAI({ apiKey: secret, baseURL: `${baseURL}/gateway/${provider}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: MODEL.id, messages: [{ role: "user", content: "hi" }] });
    expect(answer.usage?.total_tokens).toBe(14);

    // The Usage page, filtered to the key by picking it in the filters.
    await page.goto("/usage");
    await page.getByLabel("Key", { exact: true }).selectOption({ label: name });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/keyId=/);
    // The call's row is written within about 100 ms (batched): reload until it is there.
    await expect(async () => {
      if ((await page.getByTestId("usage-row").count()) === 0) await page.reload();
      await expect(page.getByTestId("usage-row")).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });

    // Chart: a bar drawn by Recharts, and the same numbers in its table.
    const chart = page.getByTestId("usage-chart");
    await expect(chart.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle rect").first()).toBeAttached();
    await chart.getByText(/Show as a table/).click();
    // The page's default range is the last 7 days, shown per UTC day.
    const day = new Date();
    day.setUTCHours(0, 0, 0, 0);
    const point = chart.getByTestId("usage-series-table").locator(`tr[data-at="${day.toISOString().replace(".000Z", "Z")}"]`);
    await expect(point).toContainText("1");
    await expect(point).toContainText("14");
    await expect(point).toContainText("$0.014");

    // Breakdowns: by key and by model.
    await expect(page.getByTestId("breakdown-key").getByRole("row", { name: new RegExp(name) })).toContainText("$0.014");
    await expect(page.getByTestId("breakdown-model").getByRole("row", { name: new RegExp(MODEL.id) })).toContainText("1");

    // The detail drawer.
    const row = page.getByTestId("usage-row").first();
    const callId = await row.getAttribute("data-call-id");
    await row.getByRole("button", { name: /Details/ }).click();
    const drawer = page.getByRole("dialog", { name: `Call ${callId}` });
    const details = drawer.getByTestId("call-details");
    await expect(details).toContainText("200");
    await expect(details).toContainText("Prompt tokens8");
    await expect(details).toContainText("Completion tokens6");
    await expect(details).toContainText("Cost$0.014");
    await expect(details).toContainText("Time to first token");
    await drawer.getByRole("button", { name: "Close" }).click();
    await expect(drawer).toBeHidden();

    // CSV export of the same filters holds the call.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const csv = fs.readFileSync((await download.path())!, "utf8").split("\r\n");
    expect(csv[0]).toMatch(/^id,created_at,user,/);
    const line = csv.find((l) => l.startsWith(`${callId},`));
    expect(line).toContain(name);
    expect(line).toContain(MODEL.id);
    expect(line).toContain(",200,success,");

    // Run it over the budget: the second call crosses $0.02; the one after is refused.
    await client.chat.completions.create({ model: MODEL.id, messages: [{ role: "user", content: "hi" }] });
    let refused: RateLimitError | null = null;
    await expect
      .poll(async () => {
        refused = await client.chat.completions.create({ model: MODEL.id, messages: [{ role: "user", content: "hi" }] }).then(
          () => null,
          (err: unknown) => (err instanceof RateLimitError ? err : null),
        );
        return refused !== null;
      })
      .toBe(true);
    expect(refused!.headers?.get("x-gatehouse-limit")).toBe("key_budget_day");

    // The refusal on the Usage page, filtered to refused calls, and in its drawer.
    await page.getByRole("form", { name: "Filters" }).getByLabel("Calls").selectOption("limited");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/outcome=limited/);
    // Log rows are written in batches, within about 100 ms of the call (docs/gateway.md): a
    // page rendered in that window shows the refusal on the next load.
    const limited = page.getByTestId("usage-row").first();
    await expect(async () => {
      if (!(await limited.textContent({ timeout: 500 }).catch(() => null))?.includes("429 limited")) await page.reload();
      await expect(limited).toContainText("429 limited", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await limited.getByRole("button", { name: /Details/ }).click();
    const refusal = page.getByRole("dialog", { name: /^Call \d+$/ }).getByTestId("call-details");
    await expect(refusal).toContainText("Refused by the key's daily budget");
    await expect(refusal).toContainText("key_budget_day");

    // And on the Keys page: the budget is spent.
    await page.goto("/keys");
    await expect(page.getByTestId(`key-row-${name}`).getByTestId("key-spend")).toContainText("Budget spent: calls are refused");
  });
});
