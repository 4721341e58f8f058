import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The checks every page and dialog must pass, at every size, in both sign-in modes
 * (issue 10). Usable from any spec: `await expectPageHolds(page)`.
 */

/** The two sizes the suite runs at: a phone (iPhone 12–15) and a laptop. */
export const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "laptop", width: 1366, height: 900 },
] as const;

/** The document never scrolls sideways. */
export async function expectNoSideScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const doc = document.documentElement;
    // Name the widest element past the right edge, so a failure says what to fix.
    let widest = "";
    let right = doc.clientWidth;
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > right + 0.5) {
        right = box.right;
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${String(el.getAttribute("class") ?? "").split(" ").slice(0, 3).join(".")} (right edge ${Math.round(box.right)} px)`;
      }
    }
    return { scrollWidth: doc.scrollWidth, innerWidth: doc.clientWidth, widest };
  });
  expect(scrollWidth, `the page scrolls sideways: ${scrollWidth} px wide in a ${innerWidth} px window; widest: ${widest}`).toBeLessThanOrEqual(innerWidth);
}

/**
 * axe-core finds no serious or critical violation (WCAG 2.0/2.1/2.2 A and AA rules and
 * axe's best practices) in `include` (a CSS selector), else the whole page.
 */
export async function expectNoSeriousA11yViolations(page: Page, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join("").trim()}`).join("\n")}`);
  expect(report, `axe: ${serious.length} serious or critical violation(s)`).toEqual([]);
}

/** A page at rest: no sideways scroll, no serious accessibility problem. */
export async function expectPageHolds(page: Page): Promise<void> {
  await expectNoSideScroll(page);
  await expectNoSeriousA11yViolations(page);
}

/**
 * An open dialog fits the viewport, its actions row (`data-dialog-actions`, see
 * app/_components/dialog.tsx; a drawer's is its header with the close button) is on screen without scrolling, and every button in it is
 * inside the viewport, on top (not covered) and clickable; the page still does not
 * scroll sideways; axe finds nothing serious inside the dialog.
 */
export async function expectDialogHolds(page: Page, dialog: Locator): Promise<void> {
  await expect(dialog).toBeVisible();
  const viewport = page.viewportSize()!;
  const box = (await dialog.boundingBox())!;
  expect(box.x, "dialog starts left of the viewport").toBeGreaterThanOrEqual(0);
  expect(box.y, "dialog starts above the viewport").toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, "dialog ends right of the viewport").toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box.y + box.height, "dialog ends below the viewport").toBeLessThanOrEqual(viewport.height + 0.5);

  const actions = dialog.locator("[data-dialog-actions]").filter({ visible: true });
  await expect(actions, "a dialog has one visible actions row (DialogFooter)").toHaveCount(1);
  await expectButtonsUsable(page, actions);
  await expectNoSideScroll(page);
  const labelledBy = await dialog.getAttribute("aria-labelledby");
  await expectNoSeriousA11yViolations(page, labelledBy ? `dialog[aria-labelledby="${labelledBy}"]` : "dialog[open]");
}

/**
 * Every visible button and link in `container` is inside the viewport without scrolling,
 * on top (not covered by anything) and clickable. Also for rows that appear inside an open
 * dialog, e.g. its "really close?" question.
 */
export async function expectButtonsUsable(page: Page, container: Locator): Promise<void> {
  const viewport = page.viewportSize()!;
  const buttons = container.getByRole("button").or(container.getByRole("link")).filter({ visible: true });
  const count = await buttons.count();
  expect(count, "the row has buttons").toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const name = (await button.textContent())?.trim() || (await button.getAttribute("aria-label"));
    const b = (await button.boundingBox())!;
    expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width + 0.5 && b.y + b.height <= viewport.height + 0.5, `"${name}" is inside the viewport without scrolling`).toBe(true);
    const onTop = await button.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && (hit === el || el.contains(hit));
    });
    expect(onTop, `"${name}" is not covered by anything`).toBe(true);
    await button.click({ trial: true, timeout: 5_000 });
  }
}
