/**
 * Length limits of user fields (characters). The zod schemas enforce them and the forms
 * set them as `maxLength`; a module of its own so client components import no zod.
 */
import { CREDENTIAL_LIMITS } from "@/lib/credentials/limits";

export const USER_LIMITS = { username: 64, email: 254, password: CREDENTIAL_LIMITS.password, serviceTokenName: 100 } as const;
