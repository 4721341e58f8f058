/**
 * Gatehouse's production HTTP server: a `node:http` listener Gatehouse owns, handing each
 * request to Next.js (its documented custom-server API), so that Gatehouse decides how it
 * stops (lib/server/graceful-shutdown.ts) and what it logs per request
 * (lib/server/access-log.ts).
 *
 * `npm run build` bundles this file into `.next/standalone/server.js` (scripts/build-server.ts),
 * replacing the one Next.js writes there; `npm start`, the Dockerfile and any copy of
 * `.next/standalone` run it. It serves the build in its own folder and reads paths such as
 * the data folder and `drizzle/` from the working directory.
 *
 * Before Next.js, lib/server/request-guard.ts answers what Next.js would answer with a 500
 * or an HTML error page (unknown methods, paths that do not decode), in the API's shape.
 *
 * LLM gateway calls (`/gateway/…`) go straight to the gateway core's `node:http` face
 * (lib/gateway/mount-node.ts, the one the standalone listener uses): Next.js's own
 * request handling costs more per call than the whole gateway does (bench:gateway,
 * docs/gateway.md). `GATEHOUSE_GATEWAY_MOUNT=next` hands them to the Next.js route handler
 * instead, as on any other Next.js host (but for paths the core must refuse as sent). The module state both share (configuration,
 * database, caches, request-log writer, shutdown hooks) lives on `globalThis`, so the
 * bundle this file becomes and Next.js's bundles use one of each.
 *
 * Environment: PORT, GATEHOUSE_LISTEN_HOST, GATEHOUSE_SHUTDOWN_GRACE_SECONDS,
 * GATEHOUSE_LOG_FORMAT, GATEHOUSE_GATEWAY_MOUNT and the rest of lib/config.ts.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { climbsOut } from "@/lib/gateway/core";
import { gatewayNodeHandler } from "@/lib/gateway/mount-node";
import { log } from "@/lib/log";
import { withAccessLog } from "@/lib/server/access-log";
import { answerClientError, withRequestGuard } from "@/lib/server/request-guard";
import { stopGracefullyOnSignals } from "@/lib/server/graceful-shutdown";
import { configOrExit, listen, runListener } from "@/lib/server/start-up";

async function main(): Promise<void> {
  const config = configOrExit();

  // What Next.js's own standalone server.js does before loading Next: production mode,
  // and the configuration `next build` serialised (next.config.ts is not in the bundle).
  (process.env as Record<string, string>).NODE_ENV = "production";
  const dir = __dirname;
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(buildConfig(dir));
  // Where middleware's server-action gate reads this build's action ids (lib/http/action-ids.ts).
  process.env.GATEHOUSE_NEXT_DIST_DIR ??= path.join(dir, ".next");
  const { default: next } = await import("next");

  const server = http.createServer();
  stopGracefullyOnSignals(server, { graceMs: config.shutdownGraceMs });
  const app = next({ dev: false, dir, hostname: config.listenHost ?? "localhost", port: config.port, httpServer: server });
  await app.prepare();
  // Requests Next.js would answer with a 500 or an HTML error page (TRACE, paths that do
  // not decode) are answered first, in the documented error shape.
  const nextHandler = app.getRequestHandler();
  const gateway = gatewayNodeHandler();
  // With the Next.js mount, a gateway path that could climb out of a provider's base path
  // still goes to the core's own face: Next.js would resolve its dot segments first, and
  // the core refuses it as sent (400 invalid_path, with its log row).
  const toCore =
    config.gateway.mount === "server"
      ? (url: string) => url.startsWith("/gateway/")
      : (url: string) => url.startsWith("/gateway/") && climbsOut(url.split("?", 1)[0]!);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => (toCore(req.url!) ? gateway(req, res) : nextHandler(req, res));
  server.on("request", withAccessLog(withRequestGuard(handler)));
  server.on("clientError", answerClientError);

  await listen(server, config.port, config.listenHost ?? undefined);
  log.info(`listening on ${config.listenHost ?? "every interface"}, port ${config.port}`, { port: config.port, pid: process.pid });
}

/** The Next.js configuration `next build` recorded next to the build. */
function buildConfig(dir: string): unknown {
  const file = path.join(dir, ".next", "required-server-files.json");
  if (!fs.existsSync(file)) {
    throw new Error(`no build in ${dir}: run \`npm run build\` first (this is .next/standalone/server.js's folder)`);
  }
  const { config } = JSON.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return { ...config, distDir: "./.next" };
}

runListener(main);
