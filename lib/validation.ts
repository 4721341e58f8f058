import { z } from "zod";

/**
 * The one input discipline for text and dates, shared by every schema (lib/<domain>/schemas.ts):
 * forms, REST handlers and the CLI all parse through these, so a value one door refuses no
 * other door accepts or silently changes.
 *
 * - Text is NFC-normalised (Unicode UAX #15): "é" typed as e + combining accent and "é"
 *   precomposed are one name, not two look-alikes.
 * - NUL and other control characters (Unicode Cc) are refused, never stripped: PostgreSQL
 *   text cannot hold NUL, and a value must be stored as sent or not at all.
 * - Lone UTF-16 surrogates are refused: not text PostgreSQL's JSON or an upstream accepts.
 * - A value made only of invisible characters (zero-width space, joiners, BOM, soft hyphen:
 *   Unicode Default_Ignorable_Code_Point) counts as blank, like whitespace-only does.
 */

/** NUL and C0/C1 control characters; `multiline` text keeps tab, line feed and carriage return. */
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINES = /(?![\t\n\r])\p{Cc}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ONLY_INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{White_Space}]+$/u;

/** What {@link textProblem} says about a value, or null when it is acceptable text. */
export function textProblem(value: string, { multiline = false } = {}): string | null {
  if (value.includes("\u0000")) return "contains a NUL character (\\u0000), which no field accepts";
  if ((multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) return "contains a control character; remove it";
  if (LONE_SURROGATE.test(value)) return "holds a broken character (a lone UTF-16 surrogate)";
  if (value !== "" && ONLY_INVISIBLE.test(value) && value.trim() !== "") return "is only invisible characters (zero-width spaces or similar)";
  return null;
}

/**
 * A text field: `z.string()` that normalises to NFC and refuses NUL, control characters,
 * lone surrogates and values of only invisible characters. Chain `.trim()`, `.min()`,
 * `.max()`, `.regex()` as on any zod string; they see the normalised value.
 * @param what the field as a person calls it ("Name"), used in messages
 * @param options.error message when the value is not a string at all
 * @param options.multiline keep tab and line breaks (text areas)
 */
export function text(what: string, options: { error?: string; multiline?: boolean } = {}) {
  return z
    .string({ error: options.error ?? `${what} must be text` })
    .normalize("NFC")
    .superRefine((v, ctx) => {
      const problem = textProblem(v, { multiline: options.multiline });
      if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}`, input: v, continue: false });
    });
}

/**
 * A secret as typed (password, API key, token): never normalised or trimmed, since the
 * bytes are the credential, but NUL, control characters, lone surrogates and
 * only-invisible values are refused like any text.
 */
export function secretText(what: string, options: { error?: string } = {}) {
  return z.string({ error: options.error ?? `${what} must be text` }).superRefine((v, ctx) => {
    const problem = textProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}`, input: v, continue: false });
  });
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** True when year-month-day names a day that exists (no 2027-02-31, no 2026-13-01). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Parses a strict date: `yyyy-mm-dd` (read as the END of that day, UTC, when
 * `dateOnly: "end-of-day"`, else its start) or an ISO 8601 date-time with seconds optional
 * and a zone (`Z` or `±hh:mm`). Days that do not exist (2027-02-31) and hours past 23 are
 * refused rather than rolled over, as `new Date()` would.
 * @returns the instant, or null when `value` is not such a date
 */
export function parseStrictDate(value: string, { dateOnly = "start-of-day" as "start-of-day" | "end-of-day" } = {}): Date | null {
  const d = DATE_ONLY.exec(value);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    if (!isCalendarDate(y, m, day)) return null;
    return new Date(`${d[1]}-${d[2]}-${d[3]}T${dateOnly === "end-of-day" ? "23:59:59.999" : "00:00:00.000"}Z`);
  }
  const t = DATE_TIME.exec(value);
  if (!t) return null;
  const [y, m, day, hh, mm, ss] = [Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6] ?? "0")];
  if (!isCalendarDate(y, m, day) || hh > 23 || mm > 59 || ss > 59) return null;
  const zone = t[7]!;
  if (zone.toUpperCase() !== "Z" && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return null;
  const out = new Date(value);
  return Number.isNaN(out.getTime()) ? null : out;
}

/**
 * A strict date field (see {@link parseStrictDate}); blank or missing → undefined.
 * @param what the field as a person calls it ("Expiry"), used in messages
 */
export function strictDate(what: string, options: { dateOnly?: "start-of-day" | "end-of-day" } = {}) {
  return z.unknown().transform((v, ctx): Date | undefined => {
    if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return undefined;
    if (typeof v !== "string") {
      ctx.addIssue({ code: "custom", message: `${what} must be a date like 2027-01-31 or 2027-01-31T18:00:00Z` });
      return z.NEVER;
    }
    const date = parseStrictDate(v.trim(), options);
    if (!date) {
      ctx.addIssue({ code: "custom", message: `${what} is not a date that exists; use yyyy-mm-dd (like 2027-01-31) or an ISO date-time with a zone` });
      return z.NEVER;
    }
    return date;
  });
}
