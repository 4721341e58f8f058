/**
 * The two sign-in modes the UI suite runs in, and the tags that keep an entry of one mode
 * out of the other mode's project (playwright.config.ts `grepInvert`): left out, not
 * skipped, since CI requires no skipped tests. No Playwright import, so the config can load it.
 */
export type Mode = "builtin" | "cloudflare-access";

/** The tag of tests that run in `mode` only. */
export const onlyInTag = (mode: Mode) => `@only-${mode}`;

/** Tags for an entry of `modes`: none for both (or unset), else the one mode's {@link onlyInTag}. */
export function modeTags(modes: readonly Mode[] | undefined): string[] {
  if (!modes || modes.length !== 1) return [];
  return [onlyInTag(modes[0]!)];
}
