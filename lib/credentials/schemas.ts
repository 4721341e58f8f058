import { z } from "zod";
import { secretText, text } from "@/lib/validation";
import { CREDENTIAL_LIMITS } from "./limits";

/** A new password: what every form and route that sets one accepts. */
export const passwordSchema = secretText("Password", { error: "Enter a password" })
  .min(8, "Password must be at least 8 characters")
  .max(CREDENTIAL_LIMITS.password, `Password must be at most ${CREDENTIAL_LIMITS.password} characters`);

/** Changing your own password: the current one proves it is you, not a borrowed session. */
export const changePasswordSchema = z
  .object({
    currentPassword: secretText("Current password", { error: "Enter your current password" }).min(1, "Enter your current password").max(CREDENTIAL_LIMITS.password, `Password must be at most ${CREDENTIAL_LIMITS.password} characters`),
    newPassword: passwordSchema,
  })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "Choose a password different from your current one" });

export const passkeyNameSchema = text("Name", { error: "Name this passkey, e.g. Work laptop" })
  .trim()
  .min(1, "Name this passkey, e.g. Work laptop")
  .max(CREDENTIAL_LIMITS.passkeyName, `Name must be at most ${CREDENTIAL_LIMITS.passkeyName} characters`);

// WebAuthn responses as @simplewebauthn/browser serialises them (base64url strings); the
// library checks their content, these only keep shapes and sizes sane before it does.
const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, "not base64url");
const credentialFields = {
  id: b64url(1400).min(1),
  rawId: b64url(1400).min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

export const registrationResponseSchema = z.object(
  {
    ...credentialFields,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      attestationObject: b64url(64_000),
      transports: z.array(z.string().max(32)).max(16).optional(),
    }),
  },
  { error: "Send the passkey's registration response as @simplewebauthn/browser returns it" },
);

export const authenticationResponseSchema = z.object(
  {
    ...credentialFields,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      authenticatorData: b64url(8192),
      signature: b64url(4096),
      userHandle: b64url(256).optional(),
    }),
  },
  { error: "Send the passkey's authentication response as @simplewebauthn/browser returns it" },
);
