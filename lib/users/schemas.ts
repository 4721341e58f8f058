import { z } from "zod";
import { passwordSchema } from "@/lib/credentials/schemas";
import { secretText, text } from "@/lib/validation";
import { USER_LIMITS } from "./limits";

/** Turns the empty string a blank form field sends into `undefined`. */
export const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const usernameSchema = text("Username", { error: "Enter a username" })
  .trim()
  .min(3, "Username must be at least 3 characters")
  .max(USER_LIMITS.username, `Username must be at most ${USER_LIMITS.username} characters`)
  .regex(/^[A-Za-z0-9._@+-]+$/, "Username may use letters, digits and . _ @ + - only");

export const emailSchema = text("Email", { error: "Enter an email address" })
  .trim()
  .toLowerCase()
  .max(USER_LIMITS.email, `Email must be at most ${USER_LIMITS.email} characters`)
  .pipe(z.email("Enter a valid email address, like ada@example.com"));

export const roleSchema = z.enum(["admin", "user"], { error: "Role must be admin or user" });

export const createUserSchema = z.object({
  username: usernameSchema,
  email: z.preprocess(blankToUndefined, emailSchema.optional()),
  password: z.preprocess(blankToUndefined, passwordSchema.optional()),
  role: z.preprocess(blankToUndefined, roleSchema.default("user")),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

/** `email: null` (or "") clears the email. */
export const updateUserSchema = z
  .object({
    email: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), emailSchema.nullable().optional()),
    role: roleSchema.optional(),
  })
  .refine((v) => v.email !== undefined || v.role !== undefined, { message: "Nothing to change: send email and/or role" });
export type UpdateUserInput = z.input<typeof updateUserSchema>;

export const resetPasswordSchema = z.object({ password: passwordSchema });

export const setupSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  email: z.preprocess(blankToUndefined, emailSchema.optional()),
});

export const loginSchema = z.object({
  username: text("Username", { error: "Enter your username" }).trim().min(1, "Enter your username").max(254),
  password: secretText("Password", { error: "Enter your password" }).min(1, "Enter your password").max(256),
});

/**
 * A Cloudflare Access service token's Client ID: 32 hexadecimal characters, then `.access`
 * (e.g. `88bf3b6d86161464f6509f7219099e57.access`), as Zero Trust → Access → Service Auth
 * shows it and as the token's `common_name` claim carries it. Matched ignoring case.
 */
export const SERVICE_TOKEN_CLIENT_ID = /^[0-9a-f]{32}\.access$/;

export const clientIdSchema = text("Client ID", { error: "Enter the service token's Client ID" })
  .trim()
  .toLowerCase()
  .min(1, { error: "Enter the service token's Client ID", abort: true })
  .regex(
    SERVICE_TOKEN_CLIENT_ID,
    "A Client ID is 32 hex characters then .access, like 88bf3b6d86161464f6509f7219099e57.access; copy it from Zero Trust → Access → Service Auth",
  );

export const serviceTokenLinkSchema = z.object({
  clientId: clientIdSchema,
  name: z.preprocess(blankToUndefined, text("Name").trim().max(USER_LIMITS.serviceTokenName, `Name must be at most ${USER_LIMITS.serviceTokenName} characters`).optional()),
});
