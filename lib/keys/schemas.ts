import { z } from "zod";
import { KEY_NAME_MAX_LENGTH } from "./limits";
import { providerKeySchema } from "@/lib/providers/schemas";
import { blankToUndefined } from "@/lib/users/schemas";

export const createKeySchema = z.object({
  name: z
    .string({ error: "Enter a name" })
    .trim()
    .min(1, "Enter a name, e.g. the app that will use the key")
    .max(KEY_NAME_MAX_LENGTH, `Name must be at most ${KEY_NAME_MAX_LENGTH} characters`),
  /** Provider keys; empty = every provider. Forms send a comma- or space-separated string. */
  allowedProviders: z.preprocess(
    (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : (v ?? [])),
    z.array(providerKeySchema).max(100, "At most 100 providers"),
  ),
  /** ISO date/time or a yyyy-mm-dd date (end of that day, UTC); omitted = never. */
  expiresAt: z.preprocess(
    (v) => {
      v = blankToUndefined(v);
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T23:59:59.999Z`);
      if (typeof v === "string") return new Date(v);
      return v;
    },
    z
      .date({ error: "Enter a valid expiry date" })
      .refine((d) => !Number.isNaN(d.getTime()), "Enter a valid expiry date")
      .refine((d) => d.getTime() > Date.now(), "Expiry must be in the future")
      .refine((d) => d.getTime() < Date.now() + 10 * 365.25 * 86_400_000, "Expiry must be within 10 years")
      .optional(),
  ),
  /** Admins may issue a key to another user. */
  userId: z.preprocess(blankToUndefined, z.string().uuid("Unknown user").optional()),
});
export type CreateKeyInput = z.input<typeof createKeySchema>;
