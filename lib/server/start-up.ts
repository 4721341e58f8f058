import type http from "node:http";
import { ConfigError, getConfig, type Config } from "@/lib/config";
import { log, routeConsoleToLog } from "@/lib/log";

/**
 * What Gatehouse's two listeners (server.ts: the app; gateway.ts: the standalone gateway)
 * do alike before and around serving: one log for everything, the configuration read once
 * (a bad one ends the process with one line naming the variable), a listen that fails
 * loudly (port in use), and a start-up failure that exits 1.
 */

/**
 * Routes `console` to the log and reads the configuration (lib/config.ts).
 * Exits the process with code 1 and a `configuration error: …` line when it is invalid.
 */
export function configOrExit(): Config {
  routeConsoleToLog();
  try {
    return getConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error(`configuration error: ${err.message}`);
    process.exit(1);
  }
}

/** Starts listening; rejects with the listen error (EADDRINUSE, EACCES). `host` undefined → every interface. */
export function listen(server: http.Server, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}

/** Runs a listener's `main`; a failure logs `start-up failed: …` and exits 1. */
export function runListener(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    log.error(`start-up failed: ${err.message}`);
    process.exit(1);
  });
}
