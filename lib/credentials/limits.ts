/**
 * Length limits of credential fields (characters). The zod schemas enforce them and the
 * forms set them as `maxLength`; a module of its own so client components import no zod.
 */
export const CREDENTIAL_LIMITS = { password: 256, passkeyName: 60 } as const;
