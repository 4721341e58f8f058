import type http from "node:http";
import { beginCuttingOff, beginShutdown, runShutdownHooks, settlesWithin } from "@/lib/lifecycle";
import { log } from "@/lib/log";

/**
 * Graceful stop for a `node:http` server Gatehouse owns (server.ts; any other listener
 * such as a standalone gateway can use it too).
 *
 * On the first SIGTERM or SIGINT:
 * 1. stop accepting: the listening socket closes at once, idle keep-alive connections
 *    are closed, and answers still being sent go out with `Connection: close`;
 * 2. wait for in-flight requests to finish, at most `graceMs`;
 * 3. close whatever is still open (those clients see their connection cut; the gateway
 *    logs those calls with `error_code` `shutdown`);
 * 4. run the shutdown hooks (lib/lifecycle.ts: the log rows of every call, cut ones
 *    included, then the database pool), at most `hooksTimeoutMs`;
 * 5. exit 0 — or 1 when a hook did not finish in time.
 * A second signal exits at once (1).
 *
 * Why not Next.js's own handler: `next start` and the standalone `server.js` of Next 15.5
 * close the listener and wait for every connection with no upper bound, then call
 * `process.exit(0)` without any place to flush or close app resources
 * (next/dist/server/lib/start-server.js); `NEXT_MANUAL_SIG_HANDLE` turns that off but
 * gives the app no handle on the listener.
 */
export interface GracefulShutdownOptions {
  /** ms in-flight requests may take after the signal */
  graceMs: number;
  /** ms the shutdown hooks may take (default 10 000) */
  hooksTimeoutMs?: number;
  /** called instead of `process.exit` (tests) */
  exit?: (code: number) => void;
  /** signals that start the stop (default SIGTERM and SIGINT; tests pass none and call `stop`) */
  signals?: NodeJS.Signals[];
  /** what runs after the drain (default {@link runShutdownHooks}; tests pass their own) */
  runHooks?: () => Promise<void>;
}

/**
 * Counts in-flight requests on `server` and installs the SIGTERM/SIGINT handlers.
 * @returns `stop(reason)`, the same sequence without a signal, resolving to the exit code.
 */
export function stopGracefullyOnSignals(server: http.Server, options: GracefulShutdownOptions): { stop(reason: string): Promise<number> } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const hooksTimeoutMs = options.hooksTimeoutMs ?? 10_000;
  const runHooks = options.runHooks ?? (() => runShutdownHooks());
  const open = new Set<http.ServerResponse>();
  let stopping: Promise<number> | null = null;
  let drained: (() => void) | null = null;

  server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    open.add(res);
    // A request that arrives on a kept-alive connection after the signal is still served,
    // but its connection ends with it.
    if (stopping) res.setHeader("connection", "close");
    res.once("close", () => {
      open.delete(res);
      if (open.size === 0) drained?.();
    });
  });

  async function stop(reason: string): Promise<number> {
    const started = performance.now();
    beginShutdown();
    log.info("stopping: no new connections", { reason, in_flight: open.size, grace_ms: options.graceMs });
    server.close();
    server.closeIdleConnections();
    for (const res of open) if (!res.headersSent) res.setHeader("connection", "close");

    if (open.size > 0) {
      const allDone = new Promise<void>((resolve) => (drained = resolve));
      const finished = await settlesWithin(allDone, options.graceMs);
      if (!finished) {
        log.warn("stopping: grace period over, closing the requests still running", { in_flight: open.size, grace_ms: options.graceMs });
        beginCuttingOff();
      } else log.info("stopping: in-flight requests finished", { duration_ms: Math.round(performance.now() - started) });
    }
    server.closeAllConnections();

    const hooksFinished = await settlesWithin(runHooks(), hooksTimeoutMs);
    if (!hooksFinished) log.error("stopping: shutdown hooks did not finish in time", { timeout_ms: hooksTimeoutMs });
    const code = hooksFinished ? 0 : 1;
    log.info("stopped", { exit_code: code, duration_ms: Math.round(performance.now() - started) });
    return code;
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("stopping: second signal, exiting now", { signal });
      exit(1);
      return;
    }
    stopping = stop(signal);
    void stopping.then(exit);
  };
  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) process.on(signal, onSignal);

  return {
    stop(reason) {
      stopping ??= stop(reason);
      return stopping;
    },
  };
}
