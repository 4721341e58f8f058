import { randomUUID } from "node:crypto";
import type http from "node:http";
import { log } from "@/lib/log";
import { runWithRequestContext, type RequestContext } from "@/lib/request-context";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

/**
 * Wraps a request handler so that each request gets an id (answered in `X-Request-Id`),
 * runs inside its {@link RequestContext} (so every log line it causes carries the id and,
 * once known, the user id), and ends with one log line: method, path, status, duration.
 * The query string is left out of the line: it can carry credentials (`?key=`).
 */
export function withAccessLog(handler: Handler): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const context: RequestContext = { requestId: randomUUID() };
    res.setHeader("x-request-id", context.requestId);
    res.once("close", () => {
      log.request({
        requestId: context.requestId,
        userId: context.userId,
        method: req.method ?? "GET",
        route: routeOf(req.url),
        status: res.statusCode,
        durationMs: Math.round(performance.now() - started),
        aborted: !res.writableFinished,
      });
    });
    void runWithRequestContext(context, async () => {
      try {
        await handler(req, res);
      } catch (err) {
        // Next.js answers its own errors; this is only reached if the handler itself broke.
        log.error("request handler failed", { error: (err as Error)?.message ?? String(err) });
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal server error");
      }
    });
  };
}

/** The path of a request target, without query or fragment, at most 512 characters. */
function routeOf(target: string | undefined): string {
  const path = (target ?? "/").split(/[?#]/, 1)[0]!;
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}
