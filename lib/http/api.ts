import { AppError } from "@/lib/errors";
import { logUnexpected } from "@/lib/log";

// Callers import it from here too; the logger itself lives in lib/log.ts.
export { logUnexpected };

/** JSON error body of every `/api/v1` failure: `{ error: { code, message, fields? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]> };
}

/**
 * Maps any thrown value to a JSON response. {@link AppError}s say what went wrong;
 * anything else is logged by name and message only (driver errors can carry query
 * parameters) and answered with a generic 500.
 */
export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    const body: ApiErrorBody = { error: { code: err.code, message: err.message, ...(err.fieldErrors ? { fields: err.fieldErrors } : {}) } };
    return Response.json(body, { status: err.status });
  }
  logUnexpected(err);
  return Response.json({ error: { code: "internal", message: "Something went wrong on the server; its log has the details" } } satisfies ApiErrorBody, {
    status: 500,
  });
}

/**
 * Wraps a route handler: returned values become JSON (200, or `status`), thrown errors
 * become {@link errorResponse}s.
 */
export function apiRoute<R extends Request, Ctx>(handler: (req: R, ctx: Ctx) => Promise<Response | unknown>) {
  return async (req: R, ctx: Ctx): Promise<Response> => {
    try {
      const out = await handler(req, ctx);
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

const MAX_JSON_BYTES = 1_000_000;

/**
 * Reads a JSON request body (at most 1 MB).
 * @throws {AppError} validation when the body is missing, too large or not JSON.
 */
export async function readJson(req: Request): Promise<Record<string, unknown>> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw new AppError("validation", "Request body is larger than 1 MB");
  const text = await req.text();
  if (text.length > MAX_JSON_BYTES) throw new AppError("validation", "Request body is larger than 1 MB");
  if (text.trim() === "") throw new AppError("validation", "Request body is empty; send JSON");
  // Postgres text cannot hold NUL; refuse it here with a clear message rather than fail later.
  if (text.includes("\u0000") || /\\u0000/.test(text)) throw new AppError("validation", "Request body contains a NUL character (\\u0000), which no field accepts");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation", "Request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError("validation", "Request body must be a JSON object");
  return value as Record<string, unknown>;
}
