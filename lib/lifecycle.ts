/**
 * Process lifecycle hooks shared by every way Gatehouse is served (the Next server, the
 * standalone gateway listener, the CLI): parts that hold something to finish before the
 * process exits (pending request-log rows, the database pool) register a hook here, and
 * whoever handles SIGTERM/SIGINT calls {@link runShutdownHooks} once its listener has
 * stopped accepting and in-flight requests are done.
 *
 * Held on `globalThis` so the middleware bundle, the app bundle and plain Node share one list.
 */
import { log } from "@/lib/log";

type Hook = { name: string; order: number; run: () => Promise<void> | void };

const HOOKS = Symbol.for("gatehouse.shutdownHooks");
type Holder = { [HOOKS]?: { hooks: Hook[]; ran: Promise<void> | null; stopping?: boolean; cuttingOff?: boolean } };

function state() {
  const holder = globalThis as Holder;
  return (holder[HOOKS] ??= { hooks: [], ran: null });
}

/**
 * Marks the process as stopping: from now on {@link isShuttingDown} is true, so readiness
 * (`/api/ready`) answers 503 to anyone still asking over an open connection.
 */
export function beginShutdown(): void {
  state().stopping = true;
}

/** True once shutdown has begun (a signal arrived). */
export function isShuttingDown(): boolean {
  return state().stopping === true;
}

/**
 * Marks that the graceful stop's grace period is over and the server is closing the
 * connections still open: from now on {@link isCuttingOff} is true, so a call that ends
 * unfinished was cut by the stop, not left by its client.
 */
export function beginCuttingOff(): void {
  state().cuttingOff = true;
}

/** True once the server has begun closing the connections the grace period left open. */
export function isCuttingOff(): boolean {
  return state().cuttingOff === true;
}

/**
 * Waits for `work` at most `ms`: true when it resolved in time, false when the time ran out
 * first (`work` goes on; the timer is cleared either way). A rejection of `work` rejects.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers `run` to be awaited at shutdown. Lower `order` runs first (default 100); use a
 * higher order for what others still need (the database pool closes last, at 1000).
 * Registering the same `name` again replaces the earlier hook (modules may be evaluated
 * more than once in one process by different bundles).
 */
export function onShutdown(name: string, run: Hook["run"], order = 100): void {
  const s = state();
  s.hooks = s.hooks.filter((h) => h.name !== name);
  s.hooks.push({ name, order, run });
}

/**
 * Runs every registered hook once, in order; a failing hook is reported to `onError` and
 * does not stop the others. Later calls return the first call's promise.
 */
export function runShutdownHooks(onError: (name: string, err: unknown) => void = (name, err) => log.error("shutdown hook failed", { hook: name, error: (err as Error)?.message ?? String(err) })): Promise<void> {
  const s = state();
  s.stopping = true;
  s.ran ??= (async () => {
    for (const hook of [...s.hooks].sort((a, b) => a.order - b.order)) {
      const started = performance.now();
      try {
        await hook.run();
        log.info("shutdown hook done", { hook: hook.name, duration_ms: Math.round(performance.now() - started) });
      } catch (err) {
        onError(hook.name, err);
      }
    }
  })();
  return s.ran;
}
