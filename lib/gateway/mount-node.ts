import type http from "node:http";
import { log } from "@/lib/log";
import { Answer } from "./answer";
import { handleGatewayRequest, withMountExtras } from "./core";

/**
 * The gateway on a plain `node:http` server (the standalone listener, gateway.ts): turns
 * each IncomingMessage into the core's `Request` — headers only; the body stays a Node
 * stream the core reads directly — and writes the core's `Response` back. Answers the
 * core streams from upstream are piped straight into the ServerResponse (`Answer.pipeTo`),
 * without a web-stream hop.
 */
export function gatewayNodeHandler(): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController();
    // The client leaving before the answer is complete aborts the upstream call.
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      try {
        headers.append(raw[i]!, raw[i + 1]!);
      } catch {
        // a header value Fetch rejects (Node's parser already refused the worst): dropped
      }
    }
    let request: Request;
    try {
      // The core reads only the path and query; the Host header is not trusted for anything.
      request = withMountExtras(new Request(`http://gateway${req.url ?? "/"}`, { method: req.method, headers }), { body: req, signal: controller.signal });
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Malformed request", type: "invalid_request_error", param: null, code: "invalid_request" } }));
      return;
    }
    handleGatewayRequest(request)
      .then((response) => send(response, res))
      .catch((err: Error) => {
        log.error("gateway listener failed", { error: err?.message ?? String(err) });
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Internal server error", type: "api_error", param: null, code: "gateway_error" } }));
      });
  };
}

async function send(response: Response, res: http.ServerResponse): Promise<void> {
  const answer = Answer.of(response);
  if (res.destroyed) {
    if (answer) answer.abandon();
    else await response.body?.cancel().catch(() => {});
    return;
  }
  if (answer) return answer.pipeTo(res, response.status, response.headers);
  const raw: string[] = [];
  response.headers.forEach((value, name) => raw.push(name, value));
  if (!response.body) {
    res.writeHead(response.status, raw).end();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  raw.push("content-length", String(body.length));
  res.writeHead(response.status, raw).end(body);
}
