import type { EventEmitter } from "node:events";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";

/**
 * One call to an upstream through undici's `Dispatcher.dispatch` with a handler of our own
 * (undici's handler API: `onRequestStart`, `onResponseStart`, `onResponseData`,
 * `onResponseEnd`, `onResponseError`; https://undici.nodejs.org/#/docs/api/Dispatcher).
 *
 * Why not `request()`: it wraps every answer in a Node `Readable` and an `AsyncResource`
 * and listens to the abort signal for the whole body — per call work that a gateway
 * which hands each chunk on at once does not need (bench:gateway, `--cpu-prof`). Here the
 * chunks go straight from undici's parser to the reader of {@link UpstreamBody}, and
 * back-pressure is undici's own pause/resume of the socket.
 */

/** Bytes kept for a reader that has not come yet before the upstream socket is paused. */
const QUEUE_LIMIT = 64 * 1024;

/** The status line and headers of an upstream answer, and its body still to come. */
export interface UpstreamHead {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

/** Who reads an {@link UpstreamBody}: every chunk in order, then exactly one of `end` or `error`. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** The client-gone signal of a gateway call: `aborted` plus an `abort` event (an AbortSignal, or an EventEmitter). */
export type CallSignal = AbortSignal | (EventEmitter & { readonly aborted: boolean });

/**
 * Sends one request upstream; resolves with the head when the status line and headers are
 * in, rejects when none come (connection refused, `headersTimeout` → undici's
 * `HeadersTimeoutError`, the client's `signal` aborted first → `Error("aborted")`).
 * `opts` are `Dispatcher.dispatch` options (origin, path, method, headers, body, timeouts in ms).
 */
export function callUpstream(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, signal: CallSignal): Promise<UpstreamHead> {
  return new Promise((resolve, reject) => {
    const handler = new UpstreamHandler(resolve, reject, signal);
    if (signal.aborted) {
      reject(new Error("aborted"));
      return;
    }
    handler.watch();
    dispatcher.dispatch(opts, handler);
  });
}

class UpstreamHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private body: UpstreamBody | null = null;
  /** Set when the upstream compressed its answer although asked not to (`accept-encoding: identity`). */
  private decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null;
  private settled = false;
  private readonly onAbort = () => {
    this.controller?.abort(new Error("aborted"));
    this.fail(new Error("aborted"));
  };

  constructor(
    private readonly resolve: (head: UpstreamHead) => void,
    private readonly reject: (err: Error) => void,
    private readonly signal: CallSignal,
  ) {}

  /** The client leaving before the head arrives aborts the call (afterwards the body's reader handles it). */
  watch(): void {
    const s = this.signal;
    if ("addEventListener" in s) s.addEventListener("abort", this.onAbort);
    else s.once("abort", this.onAbort);
  }

  private unwatch(): void {
    const s = this.signal;
    if ("removeEventListener" in s) s.removeEventListener("abort", this.onAbort);
    else s.removeListener("abort", this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error("aborted"));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200 || this.settled) return; // 1xx: informational, the real head follows
    this.settled = true;
    this.unwatch();
    const body = new UpstreamBody(controller);
    this.body = body;
    if (headers["content-encoding"] !== undefined) this.decoder = decoderFor(headers, body);
    this.resolve({ statusCode, headers, body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.decoder) this.decoder.write(chunk);
    else this.body?.push(chunk);
  }

  onResponseEnd(): void {
    if (this.decoder) this.decoder.end();
    else this.body?.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.body) {
      this.body.fail(err);
      return;
    }
    if (this.settled) return;
    this.settled = true;
    this.unwatch();
    this.reject(err);
  }
}

/**
 * A decompressor for an answer the upstream compressed although the gateway asked for
 * `identity` (some servers compress regardless): the body is handed on decoded — so usage
 * can be read and the client gets the bytes its `content-type` promises — and
 * `content-encoding` and `content-length` are removed from `headers`. An encoding Node cannot decode (zstd…) is
 * left as it is, header and bytes, for the client to decode (its usage stays unread).
 */
function decoderFor(headers: Record<string, string | string[] | undefined>, body: UpstreamBody): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const raw = headers["content-encoding"];
  const encoding = (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).trim().toLowerCase();
  if (encoding === "" || encoding === "identity") {
    delete headers["content-encoding"];
    return null;
  }
  // Flushing every input chunk: an SSE event must not wait inside the decompressor.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip(flush)
      : encoding === "deflate"
        ? zlib.createInflate(flush)
        : encoding === "br"
          ? zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH })
          : null;
  if (!decoder) return null;
  delete headers["content-encoding"];
  delete headers["content-length"]; // the compressed length: not the body's any more
  body.decodeFrom(decoder);
  decoder.on("data", (chunk: Buffer) => body.push(chunk));
  decoder.on("end", () => body.finish());
  decoder.on("error", (err) => body.fail(new Error(`the upstream's ${encoding} answer does not decode: ${err.message}`)));
  return decoder;
}

/**
 * An upstream answer's body as it arrives: chunks kept until a reader comes
 * ({@link read}), then handed on as they come. {@link pause}/{@link resume} stop and
 * restart reading the upstream socket (back-pressure from a slow client).
 */
export class UpstreamBody {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private done: "end" | Error | null = null;
  private sink: BodySink | null = null;
  private paused = false;
  private socketHeld = false;
  private delivering = false;
  private early: ((err: Error) => void) | null = null;
  /** The decompressor the body comes out of, if any: held with the socket, so a small answer that inflates hugely waits in neither. */
  private decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** @internal the body is the output of `decoder` (see decoderFor) */
  decodeFrom(decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress): void {
    this.decoder = decoder;
  }

  /** Bytes arrived and not handed to a reader yet. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Called once if the body fails before anyone reads it (an upstream that breaks off, a client gone). */
  onEarlyError(fn: (err: Error) => void): void {
    this.early = fn;
  }

  /**
   * Hands the body to `sink` from here on: what is queued first, then chunks as they come.
   * Calling it again (after {@link pause}) moves the rest of the body to another reader.
   */
  read(sink: BodySink): void {
    this.sink = sink;
    this.early = null;
    this.deliver();
    if (!this.paused) this.releaseSocket();
  }

  /** Stops delivering, and reading the upstream socket, until {@link resume}. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.holdSocket();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.deliver();
    if (!this.paused) this.releaseSocket();
  }

  private holdSocket(): void {
    if (this.socketHeld || this.done !== null) return;
    this.socketHeld = true;
    this.controller.pause();
    this.decoder?.pause();
  }

  private releaseSocket(): void {
    if (!this.socketHeld) return;
    this.socketHeld = false;
    this.controller.resume();
    this.decoder?.resume();
  }

  /** Abandons the body: the upstream request is aborted, nothing more is delivered. */
  destroy(): void {
    this.sink = null;
    this.early = null;
    if (this.done === null) {
      this.done = new Error("aborted");
      this.controller.abort(this.done);
    }
    this.decoder?.destroy();
    this.queue = [];
    this.queuedBytes = 0;
  }

  /** Reads the whole body, ignoring it (an answer that may not have one). */
  discard(): void {
    this.read({ data: () => {}, end: () => {}, error: () => {} });
  }

  /** @internal from the handler */
  push(chunk: Buffer): void {
    if (this.sink && !this.paused && this.queue.length === 0) {
      this.sink.data(chunk);
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    // Nobody reads yet (the usual first chunk, in the same socket read as the head): keep it;
    // past QUEUE_LIMIT stop reading the socket until somebody does.
    if (this.queuedBytes > QUEUE_LIMIT) this.holdSocket();
  }

  /** @internal */
  finish(): void {
    if (this.done !== null) return;
    this.done = "end";
    this.deliver();
  }

  /** @internal */
  fail(err: Error): void {
    if (this.done !== null) return;
    this.done = err;
    if (this.sink) this.deliver();
    else this.early?.(err);
  }

  private deliver(): void {
    const sink = this.sink;
    if (!sink || this.delivering) return;
    this.delivering = true;
    try {
      while (this.queue.length > 0 && !this.paused && this.sink === sink) {
        const chunk = this.queue.shift()!;
        this.queuedBytes -= chunk.length;
        sink.data(chunk);
      }
      if (this.queue.length === 0 && this.done !== null && this.sink === sink) {
        this.sink = null;
        if (this.done === "end") sink.end();
        else sink.error(this.done);
      }
    } finally {
      this.delivering = false;
    }
  }
}
