/** Longest virtual key name (characters): the schema's limit and the form's `maxLength` (no zod here, for client components). */
export const KEY_NAME_MAX_LENGTH = 100;
