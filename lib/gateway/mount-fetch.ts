import { handleGatewayRequest } from "./core";

/**
 * The gateway on any host that speaks the Fetch API: the Next.js route handler
 * (app/gateway/[provider]/[...path]/route.ts), and any other `(Request) => Response` host.
 * The core reads the body from `req.body`, watches `req.signal` for a client that leaves,
 * and answers with a streamed `Response` (lib/gateway/core.ts, `handleGatewayRequest`).
 */
export function gatewayFetch(req: Request): Promise<Response> {
  return handleGatewayRequest(req);
}
