import type { z } from "zod";

/**
 * Typed error codes for everything a person or a client may be told.
 * One table maps each to an HTTP status; anything that is not an {@link AppError}
 * is logged and answered with a generic 500 (raw driver or upstream errors never reach a page).
 */
export const ERROR_STATUS = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Field name → messages, as shown next to form inputs. */
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A 400 listing every invalid field of a failed zod parse. */
export function validationError(error: z.ZodError): AppError {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "_form";
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return new AppError("validation", `${where}${first?.message ?? "invalid input"}`, fieldErrors);
}

/** A 409 for one field (e.g. a taken username). */
export function conflict(field: string, message: string): AppError {
  return new AppError("conflict", message, { [field]: [message] });
}

/** Parses with a zod schema or throws the 400 {@link AppError}. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Postgres unique_violation (23505), from either driver; `constraint` names the index. */
export function uniqueViolation(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const candidate = e as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };
    if (candidate.code === "23505") return String(candidate.constraint_name ?? candidate.constraint ?? "");
    e = candidate.cause;
  }
  return null;
}
