import { EventEmitter } from "node:events";
import type http from "node:http";
import { log } from "@/lib/log";
import { Answer } from "./answer";
import { climbsOut, serveGatewayCall, type CallReply, type IncomingCall } from "./core";

/**
 * The gateway on a plain `node:http` server (the standalone listener, gateway.ts). Hands
 * the core the IncomingMessage as an {@link IncomingCall} — Node's own parsed headers, the
 * body as the Node stream it is, an EventEmitter as the client-gone signal — and writes the
 * core's reply back, piping an upstream answer straight into the ServerResponse
 * (`Answer.pipeTo`). No Fetch `Request`, `Headers`, `Response` or AbortController is built
 * per call: those were a tenth of a call's CPU here (bench:gateway, `--cpu-prof`).
 */
export function gatewayNodeHandler(): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const signal = new ClientGone();
    // The client leaving before the answer is complete aborts the upstream call.
    res.once("close", () => {
      if (!res.writableFinished) signal.abort();
    });
    serveGatewayCall(incomingCall(req, signal))
      .then((reply) => send(reply, res))
      .catch((err: Error) => {
        log.error("gateway listener failed", { error: err?.message ?? String(err) });
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Internal server error", type: "api_error", param: null, code: "gateway_error" } }));
      });
  };
}

/** The client-gone signal: an EventEmitter's `abort` serves as an AbortSignal's (lib/gateway/upstream-call.ts takes both), for the cost of one object. */
class ClientGone extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

// A request target that is already in the form the WHATWG URL parser would give (no dot
// segments, nothing it would percent-encode) is used as sent; anything else is normalised
// the way the Fetch mount sees it — except a path that could climb out of the provider's
// base path (dot segments, backslashes), which the core must see as sent, to refuse it.
const PLAIN_TARGET = /^\/[A-Za-z0-9\-_~!$&'()*+,;=:@%/?]*$/;

function incomingCall(req: http.IncomingMessage, signal: ClientGone): IncomingCall {
  const raw = req.url ?? "/";
  let target = raw;
  if ((!PLAIN_TARGET.test(raw) || raw.includes("/.")) && !climbsOut(raw.split("?", 1)[0]!)) {
    const url = new URL(raw, "http://gateway");
    target = url.pathname + url.search;
  }
  const headers = req.headers;
  return {
    method: req.method ?? "GET",
    target,
    header: (name) => {
      const value = headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    forEachHeader: (fn) => {
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined) fn(name, Array.isArray(value) ? value.join(", ") : value);
      }
    },
    body: req,
    signal,
  };
}

function send(reply: CallReply, res: http.ServerResponse): void {
  const { status, headers, body } = reply;
  if (body instanceof Answer) {
    if (res.destroyed) body.abandon();
    else body.pipeTo(res, status, headers);
    return;
  }
  if (res.destroyed) return;
  if (body === null) {
    res.writeHead(status, headers).end();
    return;
  }
  headers["content-length"] = String(Buffer.byteLength(body));
  res.writeHead(status, headers).end(body);
}
