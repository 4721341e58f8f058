import { z } from "zod";
import { KEY_NAME_MAX_LENGTH } from "./limits";
import { providerKeySchema } from "@/lib/providers/schemas";
import { blankToUndefined } from "@/lib/users/schemas";
import { strictDate, text } from "@/lib/validation";

export const createKeySchema = z.object({
  name: text("Name", { error: "Enter a name" })
    .trim()
    .min(1, "Enter a name, e.g. the app that will use the key")
    .max(KEY_NAME_MAX_LENGTH, `Name must be at most ${KEY_NAME_MAX_LENGTH} characters`),
  /** Provider keys; empty = every provider. Forms send a comma- or space-separated string. */
  allowedProviders: z.preprocess(
    (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : (v ?? [])),
    // A provider listed twice is the same permission: stored once (the set is what counts).
    z
      .array(providerKeySchema)
      .max(100, "At most 100 providers")
      .transform((keys) => [...new Set(keys)]),
  ),
  /**
   * A yyyy-mm-dd date (end of that day, UTC) or an ISO date-time with a zone; omitted or
   * blank = never. Strict: 2027-02-31 is refused, not rolled over to March.
   */
  expiresAt: strictDate("Expiry", { dateOnly: "end-of-day" })
    .refine((d) => d === undefined || d.getTime() > Date.now(), "Expiry must be in the future")
    .refine((d) => d === undefined || d.getTime() < Date.now() + 10 * 365.25 * 86_400_000, "Expiry must be within 10 years")
    .optional(),
  /** Admins may issue a key to another user. */
  userId: z.preprocess(blankToUndefined, z.string().uuid("Unknown user").optional()),
});
export type CreateKeyInput = z.input<typeof createKeySchema>;

const future = (d: Date | undefined) => d === undefined || d.getTime() > Date.now();
const withinTenYears = (d: Date | undefined) => d === undefined || d.getTime() < Date.now() + 10 * 365.25 * 86_400_000;

/**
 * A change to a key: only the fields given change. `expiresAt`: null or "" = never.
 * Limits are read from the same input by lib/limits/schemas (`budgetUsd`, …).
 */
const updateExpirySchema = strictDate("Expiry", { dateOnly: "end-of-day" }).refine(future, "Expiry must be in the future").refine(withinTenYears, "Expiry must be within 10 years");

export const updateKeySchema = z.object({
  name: createKeySchema.shape.name.optional(),
  allowedProviders: createKeySchema.shape.allowedProviders.optional(),
  expiresAt: z.unknown().transform((v, ctx): Date | null | undefined => {
    if (v === undefined) return undefined;
    if (v === null || (typeof v === "string" && v.trim() === "")) return null;
    const parsed = updateExpirySchema.safeParse(v);
    if (parsed.success) return parsed.data ?? null;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
    return z.NEVER;
  })
    // Omitted = unchanged (without this, zod 4 refuses a missing key to a transform).
    .optional(),
});
export type UpdateKeyInput = z.input<typeof updateKeySchema>;
