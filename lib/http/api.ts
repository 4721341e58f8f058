import { AppError } from "@/lib/errors";
import { logUnexpected } from "@/lib/log";
import { readCapped } from "./read-capped";

// Callers import it from here too; the logger itself lives in lib/log.ts.
export { logUnexpected };

/** JSON error body of every `/api/v1` failure: `{ error: { code, message, fields? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]> };
}

/** The JSON error answer in the documented shape. */
export function apiError(status: number, code: string, message: string, init: { headers?: HeadersInit; fields?: Record<string, string[]> } = {}): Response {
  const body: ApiErrorBody = { error: { code, message, ...(init.fields ? { fields: init.fields } : {}) } };
  return Response.json(body, { status, headers: init.headers });
}

/**
 * Maps any thrown value to a JSON response. {@link AppError}s say what went wrong;
 * anything else is logged by name and message only (driver errors can carry query
 * parameters) and answered with a generic 500 — never a stack.
 */
export function errorResponse(err: unknown, where?: { method: string; route: string }): Response {
  if (err instanceof AppError) return apiError(err.status, err.code, err.message, { fields: err.fieldErrors });
  logUnexpected(err, where);
  return apiError(500, "internal", "Something went wrong on the server; its log has the details");
}

/** Largest JSON body any `/api/v1` route reads (bytes). Middleware refuses larger ones by Content-Length first. */
export const MAX_JSON_BYTES = 1_000_000;

/** Methods a route file may answer; Next.js serves no others. */
export const ROUTE_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];
type WritableMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type Handler<Ctx> = (req: Request, ctx: Ctx) => Promise<Response | unknown> | Response | unknown;
type RouteHandler<Ctx> = (req: Request, ctx: Ctx) => Promise<Response>;

/**
 * Content-Length above `max` bytes: the 413 to answer before anything reads the body or
 * waits on the database; null when the length is absent or within bounds (bodies without
 * one are counted as they are read, {@link readJson}).
 */
export function refuseByContentLength(headers: Pick<Headers, "get">, max = MAX_JSON_BYTES): Response | null {
  const raw = headers.get("content-length");
  if (raw === null) return null;
  const length = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(length)) return apiError(400, "validation", "Content-Length is not a number of bytes");
  if (length > max) return apiError(413, "payload_too_large", `Request body is larger than ${formatBytes(max)}`);
  return null;
}

/**
 * Every route file's handlers, wrapped the same way (`export const { GET, HEAD, OPTIONS,
 * POST, PUT, PATCH, DELETE } = apiHandlers({ GET: …, POST: … })`):
 *
 * - a method the route does not serve → 405 `method_not_allowed` with `Allow`, in the
 *   documented shape (Next.js alone answers an empty 405); OPTIONS → 204 with `Allow`;
 *   HEAD runs GET and drops the body;
 * - a Content-Length above `maxBodyBytes` → 413 before the handler runs, so no database
 *   wait holds the body (see middleware.ts, which checks first);
 * - a returned value becomes JSON (200), a Response goes out as it is; a thrown
 *   {@link AppError} becomes its status and shape, anything else a logged 500 without a stack.
 * @param options.maxBodyBytes largest request body this route accepts (bytes)
 */
export function apiHandlers<Ctx = unknown>(
  handlers: Partial<Record<WritableMethod, Handler<Ctx>>>,
  { maxBodyBytes = MAX_JSON_BYTES }: { maxBodyBytes?: number } = {},
): Record<RouteMethod, RouteHandler<Ctx>> {
  const served = (Object.keys(handlers) as WritableMethod[]).filter((m) => typeof handlers[m] === "function");
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");

  const run =
    (method: WritableMethod): RouteHandler<Ctx> =>
    async (req, ctx) => {
      const handler = handlers[method];
      if (!handler) return apiError(405, "method_not_allowed", `${method} is not supported here; use ${allow}`, { headers: { allow } });
      if (method !== "GET") {
        const tooLarge = refuseByContentLength(req.headers, maxBodyBytes);
        if (tooLarge) return tooLarge;
      }
      try {
        const out = await handler(req, ctx);
        return out instanceof Response ? out : Response.json(out);
      } catch (err) {
        return errorResponse(err, { method, route: routeOf(req.url) });
      }
    };

  const get = run("GET");
  return {
    GET: get,
    POST: run("POST"),
    PUT: run("PUT"),
    PATCH: run("PATCH"),
    DELETE: run("DELETE"),
    HEAD: async (req, ctx) => {
      if (!handlers.GET) return apiError(405, "method_not_allowed", `HEAD is not supported here; use ${allow}`, { headers: { allow } });
      const res = await get(req, ctx);
      return new Response(null, { status: res.status, headers: res.headers });
    },
    OPTIONS: async () => new Response(null, { status: 204, headers: { allow } }),
  };
}

/**
 * Wraps one route handler: returned values become JSON (200, or a Response as it is),
 * thrown errors become {@link errorResponse}s. Prefer {@link apiHandlers}, which also
 * answers unsupported methods and over-size bodies.
 */
export function apiRoute<R extends Request, Ctx>(handler: (req: R, ctx: Ctx) => Promise<Response | unknown>) {
  return async (req: R, ctx: Ctx): Promise<Response> => {
    try {
      const out = await handler(req, ctx);
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      return errorResponse(err, { method: req.method, route: routeOf(req.url) });
    }
  };
}

/**
 * Reads a JSON object body of at most `maxBytes` (1 MB), counting bytes as they arrive
 * (a body without Content-Length is cut off at the limit, not buffered whole).
 * @throws {AppError} payload_too_large (413) over the limit; validation (400) when the
 *   body is empty, not UTF-8 JSON, holds NUL, or is not a JSON object.
 */
export async function readJson(req: Request, { maxBytes = MAX_JSON_BYTES } = {}): Promise<Record<string, unknown>> {
  const tooLarge = new AppError("payload_too_large", `Request body is larger than ${formatBytes(maxBytes)}`);
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge;
  const bytes = await readCapped(req.body, maxBytes);
  if (bytes === null) throw tooLarge;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("validation", "Request body is not UTF-8 text; send JSON");
  }
  if (text.trim() === "") throw new AppError("validation", "Request body is empty; send JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation", "Request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError("validation", "Request body must be a JSON object");
  // Postgres text cannot hold NUL; refuse it here, wherever it sits, with a clear message.
  if (holdsNul(value)) throw new AppError("validation", "Request body contains a NUL character (\\u0000), which no field accepts");
  return value as Record<string, unknown>;
}

/** True when a NUL sits in any string or key of a parsed JSON value (walked without recursion: bodies may nest deeply). */
function holdsNul(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) return true;
    } else if (Array.isArray(v)) {
      for (const inner of v) stack.push(inner);
    } else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        if (k.includes("\u0000")) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 && bytes % 1_000_000 === 0 ? `${bytes / 1_000_000} MB` : bytes >= 1000 && bytes % 1000 === 0 ? `${bytes / 1000} kB` : `${bytes} bytes`;
}

/** The path of a request URL, for logs: never the query string, which can carry credentials. */
function routeOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "(unparseable URL)";
  }
}
