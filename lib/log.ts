import { format as formatArgs } from "node:util";
import { logFormatFrom, type LogFormat } from "@/lib/config";
import { currentRequest } from "@/lib/request-context";

/**
 * Gatehouse's one logger. Two formats, chosen by `GATEHOUSE_LOG_FORMAT`:
 *
 * - `text` (default): `gatehouse: <message> key=value …`, info on stdout, warnings and
 *   errors on stderr — for a person at a terminal.
 * - `json`: one JSON object per line on stdout — `{"time","level","msg",…fields}` plus
 *   `request_id` and `user_id` when logged while serving a request — for log pipelines.
 *
 * Secrets never go in: callers pass ids and counts, never tokens, keys or bodies, and
 * error text is cut before driver-attached query parameters ({@link scrub}).
 */
export type LogLevel = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One finished HTTP request, as the server saw it. */
export interface RequestLogEntry {
  requestId: string;
  userId?: string;
  method: string;
  /** The path only: query strings can carry credentials (`?key=` on the gateway). */
  route: string;
  status: number;
  /** ms from the request's arrival until its answer was sent or the client went away */
  durationMs: number;
  /** the client closed the connection before the answer was complete */
  aborted?: boolean;
}

type Sink = { out: (line: string) => void; err: (line: string) => void };

/**
 * stdout and stderr, written once per turn of the event loop instead of once per line. A
 * write to a pipe — Docker's log driver, systemd, any supervisor — is synchronous on Linux
 * (Node.js docs, process, "A note on process I/O"), and one write per request was about a
 * tenth of a gateway call's CPU in the app's server (bench:gateway, `--cpu-prof`). Lines
 * keep their order: one buffer per stream for the whole process, on `globalThis`, so the
 * server bundle and Next.js's bundles share it; what is pending when the process exits is
 * written then, synchronously.
 */
const PENDING = Symbol.for("gatehouse.logPending");
type Pending = { out: string; err: string; scheduled: boolean };

function pendingLines(): Pending {
  const holder = globalThis as { [PENDING]?: Pending };
  if (!holder[PENDING]) {
    holder[PENDING] = { out: "", err: "", scheduled: false };
    process.once("exit", flushLogs);
  }
  return holder[PENDING];
}

/** Writes every pending log line now (also done at the end of each event-loop turn and at exit). */
export function flushLogs(): void {
  const pending = pendingLines();
  pending.scheduled = false;
  if (pending.out) {
    const text = pending.out;
    pending.out = "";
    process.stdout.write(text);
  }
  if (pending.err) {
    const text = pending.err;
    pending.err = "";
    process.stderr.write(text);
  }
}

function queueLine(stream: "out" | "err", line: string): void {
  const pending = pendingLines();
  pending[stream] += line;
  if (!pending.scheduled) {
    pending.scheduled = true;
    setImmediate(flushLogs);
  }
}

const processSink: Sink = {
  out: (line) => queueLine("out", line),
  err: (line) => queueLine("err", line),
};

/**
 * A logger writing `format` lines to `sink` (stdout/stderr by default). The process-wide
 * {@link log} is the one to use; this exists for tests and for tools with their own output.
 */
export function createLogger(options: { format: LogFormat | (() => LogFormat); sink?: Sink }): Logger & {
  request(entry: RequestLogEntry): void;
} {
  const sink = options.sink ?? processSink;
  const formatOf = typeof options.format === "function" ? options.format : () => options.format as LogFormat;

  function emit(level: LogLevel, message: string, fields: LogFields = {}, textLine?: string): void {
    const context = currentRequest();
    if (formatOf() === "json") {
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
      if (context) {
        record.request_id = context.requestId;
        if (context.userId) record.user_id = context.userId;
      }
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) record[key] = value;
      sink.out(`${JSON.stringify(record)}\n`);
      return;
    }
    const line = `gatehouse: ${textLine ?? `${message}${textFields(fields)}`}\n`;
    if (level === "info") sink.out(line);
    else sink.err(line);
  }

  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    request(entry) {
      const fields: LogFields = {
        request_id: entry.requestId,
        user_id: entry.userId,
        method: entry.method,
        route: entry.route,
        status: entry.status,
        duration_ms: entry.durationMs,
        aborted: entry.aborted || undefined,
      };
      const who = entry.userId ? `, user ${entry.userId}` : "";
      const text = `${entry.method} ${entry.route} ${entry.status}${entry.aborted ? " (client went away)" : ""} ${entry.durationMs} ms (request ${entry.requestId}${who})`;
      emit(entry.status >= 500 ? "error" : "info", "request", fields, text);
    },
  };
}

function textFields(fields: LogFields): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`);
  return parts.length ? ` ${parts.join(" ")}` : "";
}

let processFormat: LogFormat | undefined;

/** The process-wide logger; its format is read from `GATEHOUSE_LOG_FORMAT` once. */
export const log = createLogger({ format: () => (processFormat ??= logFormatFrom(process.env).format) });

/**
 * Cuts what must not reach a log from error text: drizzle's "Failed query" messages end
 * in the query's parameters (ciphertexts, key hashes), so everything from `params:` on goes.
 */
export function scrub(text: string): string {
  return text.split("\nparams:")[0]!;
}

/**
 * Logs an unexpected error (one line): name, driver code, scrubbed message and cause — no
 * stack and no attached data.
 */
export function logUnexpected(err: unknown, fields?: LogFields): void {
  const e = err as { name?: string; message?: string; code?: string; cause?: { message?: string; code?: string } };
  const message = scrub(e?.message ?? String(err));
  const cause = e?.cause?.message ? ` (cause${e.cause.code ? ` [${e.cause.code}]` : ""}: ${scrub(e.cause.message)})` : "";
  const code = e?.code ? ` [${e.code}]` : "";
  log.error(`unexpected error: ${e?.name ?? "Error"}${code}: ${message}${cause}`, fields);
}

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, "g");

/**
 * In JSON format, makes `console.*` (Next.js's own messages, libraries) go through the
 * logger too, so every line on stdout is one JSON object. Text format leaves console alone.
 * Call once, from the server entry.
 */
export function routeConsoleToLog(): void {
  if (logFormatFrom(process.env).format !== "json") return;
  const bridge =
    (level: LogLevel) =>
    (...args: unknown[]) =>
      log[level](scrub(formatArgs(...args)).replace(ANSI, "").trimEnd(), { source: "console" });
  console.log = bridge("info");
  console.info = bridge("info");
  console.debug = bridge("info");
  console.warn = bridge("warn");
  console.error = bridge("error");
}
