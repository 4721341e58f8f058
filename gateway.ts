/**
 * The standalone LLM gateway listener (`npm run gateway`): the same gateway core as the
 * Next.js route (lib/gateway/core.ts), on its own port, without Next.js — for deployments
 * that want the gateway's hot path as close to a bare proxy as it gets. It shares
 * configuration, database and keys with the app; run it beside `npm start` on the same
 * `DATABASE_URL` (embedded PGlite allows only one process per data folder).
 *
 * Serves `/gateway/<provider>/…`, `/api/health` (liveness) and `/api/ready` (readiness:
 * the database answers, not stopping). Stops like the app on SIGTERM
 * (lib/server/graceful-shutdown.ts): stop accepting, let answers in flight finish within the
 * grace period, flush pending request-log rows, close the database pool, exit 0.
 *
 * `npm run build` bundles it into `.next/standalone/gateway.js` (scripts/build-server.ts).
 * Environment: GATEHOUSE_GATEWAY_PORT (default 3001), GATEHOUSE_LISTEN_HOST, and the rest of
 * lib/config.ts.
 */
import http from "node:http";
import { getDb } from "@/lib/db/client";
import { gatewayNodeHandler } from "@/lib/gateway/mount-node";
import { isShuttingDown } from "@/lib/lifecycle";
import { log } from "@/lib/log";
import { stopGracefullyOnSignals } from "@/lib/server/graceful-shutdown";
import { configOrExit, listen, runListener } from "@/lib/server/start-up";
import { answerClientError, withRequestGuard } from "@/lib/server/request-guard";

async function main(): Promise<void> {
  const config = configOrExit();
  // Migrations run here, before the port opens: a listener that answers is ready.
  await getDb();

  const gateway = gatewayNodeHandler();
  // The same request-line guard as the app's server (unknown methods, paths that do not
  // decode, control characters → the documented error shape), then the gateway.
  const handler = withRequestGuard((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/gateway/")) return gateway(req, res);
    if (url === "/api/health") return json(res, 200, { status: "ok" });
    if (url === "/api/ready") return isShuttingDown() ? json(res, 503, { status: "stopping" }) : json(res, 200, { status: "ready" });
    json(res, 404, { error: { message: "Not found: this listener serves /gateway/<provider>/… only", type: "not_found_error", param: null, code: "not_found" } });
  });
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  server.on("clientError", answerClientError);
  stopGracefullyOnSignals(server, { graceMs: config.shutdownGraceMs });
  await listen(server, config.gateway.port, config.listenHost ?? undefined);
  log.info(`gateway listening on ${config.listenHost ?? "every interface"}, port ${config.gateway.port}`, { port: config.gateway.port, pid: process.pid });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

runListener(main);
