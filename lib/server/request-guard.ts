import type http from "node:http";
import type { Duplex } from "node:stream";

/**
 * What Gatehouse's own listener (server.ts) answers itself, before Next.js sees a request:
 * the requests Next.js would answer with a 500 and a stack in the log (`TRACE`, methods no
 * route serves) or with its HTML 400/404 pages (paths that do not decode, dot segments
 * hidden behind `%2e`, control characters) — here in the documented error shape instead.
 * Dot segments under `/gateway/` pass: the gateway refuses them itself, and logs the call.
 *
 * Shapes: `/gateway/…` answers as the OpenAI SDK reads errors
 * (`{ error: { message, type, code } }`, docs/gateway.md); everything else as the REST
 * API does (`{ error: { code, message } }`, docs/api.md). Both carry `error.code` and
 * `error.message`.
 */

/** Methods any Gatehouse route serves (route handlers, pages, server actions, the gateway). */
export const SERVED_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
const SERVED = new Set<string>(SERVED_METHODS);
const PRINTABLE_ASCII = /^[!-~]*$/;

export interface GuardAnswer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/**
 * Checks a request line. Returns the answer to send, or null to hand the request on.
 * @param method as received (`req.method`)
 * @param target the request target as received (`req.url`): path and query, still encoded
 */
export function checkRequestLine(method: string, target: string): GuardAnswer | null {
  if (!SERVED.has(method)) {
    return { status: 405, code: "method_not_allowed", message: `${method} is not supported; Gatehouse serves ${SERVED_METHODS.join(", ")}`, headers: { allow: SERVED_METHODS.join(", ") } };
  }
  if (!target.startsWith("/")) return { status: 400, code: "validation", message: "The request target must be a path starting with /" };
  const rawPath = target.split("?", 1)[0]!;
  // Most paths: nothing escaped, no dot segment, printable ASCII — nothing below can refuse them.
  if (!rawPath.includes("%") && !rawPath.includes("/.") && PRINTABLE_ASCII.test(rawPath)) return null;
  const segments = rawPath.split("/");
  const gateway = rawPath.startsWith("/gateway/");
  for (const raw of segments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return notFound("the path holds a %-escape that is not UTF-8");
    }
    // The gateway refuses these itself (400 invalid_path), with a log row for the call.
    if ((segment === "." || segment === "..") && !gateway) return notFound("the path holds a . or .. segment");
    // NUL and control characters name nothing here; PostgreSQL text cannot even hold NUL.
    if (/\p{Cc}/u.test(segment)) return notFound("the path holds a control character");
  }
  return null;
}

function notFound(why: string): GuardAnswer {
  return { status: 404, code: "not_found", message: `Not found: ${why}` };
}

/** The JSON body for `answer` in the shape of the area `path` belongs to. */
export function guardBody(path: string, answer: GuardAnswer): string {
  if (path === "/gateway" || path.startsWith("/gateway/")) {
    const type = answer.status === 404 ? "not_found_error" : "invalid_request_error";
    return JSON.stringify({ error: { message: answer.message, type, code: answer.code } });
  }
  return JSON.stringify({ error: { code: answer.code, message: answer.message } });
}

/**
 * Wraps the listener's request handler with {@link checkRequestLine}: refused requests
 * are answered here (and still logged by the access log around it).
 */
export function withRequestGuard(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void) {
  return (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> | void => {
    const answer = checkRequestLine(req.method ?? "GET", req.url ?? "/");
    if (!answer) return handler(req, res);
    const body = guardBody(req.url ?? "/", answer);
    // The request body, if any, is not read: the connection closes after the answer.
    res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close", ...answer.headers });
    res.end(req.method === "HEAD" ? undefined : body);
    return undefined;
  };
}

/**
 * The listener's `clientError` handler: requests Node's HTTP parser refuses (an unknown
 * method, a malformed header or request line) get a JSON answer in the API's shape
 * instead of Node's empty 400, then the connection closes.
 */
export function answerClientError(err: NodeJS.ErrnoException & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    err.code === "HPE_INVALID_METHOD"
      ? [405, "Method Not Allowed", "method_not_allowed", `Unknown method; Gatehouse serves ${SERVED_METHODS.join(", ")}`]
      : err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "validation", "The request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "HPE_HEADER_TIMEOUT"
          ? [408, "Request Timeout", "request_timeout", "The request took too long to arrive (Node's headersTimeout / requestTimeout)"]
          : [400, "Bad Request", "validation", "Malformed HTTP request"];
  const body = JSON.stringify({ error: { code, message } });
  const allow = status === 405 ? `allow: ${SERVED_METHODS.join(", ")}\r\n` : "";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${allow}connection: close\r\n\r\n${body}`);
}
