import type http from "node:http";
import type { UpstreamBody } from "./upstream-call";

/** How an answer's body ended: read to the end, the upstream broke off, or the client left. */
export type AnswerEnd = "complete" | "error" | "cancelled";

export interface AnswerOptions {
  /** Bytes to send before the source's (already read from it). */
  prefix?: Buffer[];
  /** Sees each chunk on its way to the client; returns what to send instead (may be empty). */
  transform: (chunk: Buffer) => Buffer | Buffer[];
  /** At the source's end: last bytes to send. */
  flush: () => Buffer[];
  /** Called exactly once, when the body ended one way or another. */
  onEnd: (how: AnswerEnd) => void;
  /** Whether the client has gone (an upstream error then counts as the client leaving). */
  cancelled: () => boolean;
}

/**
 * An upstream answer's body on its way to the client, readable two ways from one object:
 * as a `Response` with a web `ReadableStream` (the Fetch mount; pulled lazily, one chunk per
 * pull, so nothing is read ahead of the client), or piped straight into a Node
 * `ServerResponse` (the standalone listener; no web-stream hop, back-pressure through
 * `write()`/`drain`). Whichever reads first owns the source.
 */
export class Answer {
  private ended = false;
  /** Somebody has begun reading (a web stream's first pull, or {@link pipeTo}). */
  private reading = false;
  private failure: Error | null = null;
  private onFailure: (() => void) | null = null;

  constructor(
    private readonly source: UpstreamBody,
    private readonly options: AnswerOptions,
  ) {
    // Watched from the start: an upstream body that breaks (or is aborted because the
    // client left) before anyone reads it must still end the call and its log row.
    source.onEarlyError((err) => this.fail(err));
  }

  /** A Response streaming this answer (the Fetch mount). */
  toResponse(status: number, headers: Record<string, string>): Response {
    return new Response(this.webStream(), { status, headers });
  }

  /** Nobody will read this answer (the client left before it started): ends it as cancelled. */
  abandon(): void {
    this.end("cancelled");
    this.source.destroy();
  }

  /** {@link abandon}, unless reading has begun (then the reader sees the client leave). */
  abandonIfUnread(): void {
    if (!this.reading) this.abandon();
  }

  private fail(err: Error): void {
    this.failure = err;
    this.end(this.options.cancelled() ? "cancelled" : "error");
    this.onFailure?.();
  }

  private end(how: AnswerEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd(how);
  }

  private webStream(): ReadableStream<Uint8Array> {
    let started = false;
    const queue: Buffer[] = [];
    let wake: (() => void) | null = null;
    let done: "end" | Error | null = null;
    const start = () => {
      started = true;
      this.reading = true;
      if (this.options.prefix) queue.push(...this.options.prefix);
      this.onFailure = () => {
        done = this.failure;
        wake?.();
      };
      if (this.failure) {
        done = this.failure;
        return;
      }
      this.source.read({
        data: (chunk) => {
          const out = this.options.transform(chunk);
          if (Array.isArray(out)) {
            // The pieces of one upstream chunk go out as one chunk: one write, not one each.
            const pieces = out.filter((b) => b.length > 0);
            if (pieces.length > 0) queue.push(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
          } else if (out.length > 0) queue.push(out);
          if (queue.length > 0) this.source.pause();
          wake?.();
        },
        end: () => {
          for (const b of this.options.flush()) if (b.length > 0) queue.push(b);
          done = "end";
          wake?.();
        },
        error: (err) => this.fail(err),
      });
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (!started) start();
          for (;;) {
            if (queue.length > 0) {
              // Everything already here leaves as one chunk (the prefix and a first chunk, say).
              controller.enqueue(queue.length === 1 ? queue[0]! : Buffer.concat(queue));
              queue.length = 0;
              return;
            }
            if (done === "end") {
              controller.close();
              this.end("complete");
              return;
            }
            if (done) {
              controller.error(done);
              return;
            }
            // Resuming may hand over queued chunks (or the end) at once, before anything waits.
            this.source.resume();
            if (queue.length > 0 || done) continue;
            await new Promise<void>((r) => (wake = r));
            wake = null;
          }
        },
        cancel: () => {
          this.end("cancelled");
          this.source.destroy();
        },
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * Sends the answer on a Node response (status and headers included), with back-pressure.
   * The client leaving destroys the upstream body.
   */
  pipeTo(res: http.ServerResponse, status: number, headers: Record<string, string>): void {
    this.reading = true;
    res.writeHead(status, headers);
    // A stream's headers go out at once, so the client sees the status before a first event
    // that is slow to come; when it is already here they go out with it, in one write.
    if (this.source.pendingBytes === 0 && /event-stream|ndjson/.test(headers["content-type"] ?? "")) res.flushHeaders();
    for (const b of this.options.prefix ?? []) res.write(b);
    const source = this.source;
    this.onFailure = () => res.destroy();
    res.once("close", () => {
      if (!res.writableFinished) {
        this.end("cancelled");
        source.destroy();
      }
    });
    if (this.failure) {
      res.destroy();
      return;
    }
    res.on("drain", () => source.resume());
    source.read({
      data: (chunk) => {
        const out = this.options.transform(chunk);
        let ok = true;
        if (Array.isArray(out)) {
          // Several pieces of one upstream chunk leave in one write (writev), not one each.
          res.cork();
          for (const b of out) if (b.length > 0) ok = res.write(b) && ok;
          res.uncork();
        } else if (out.length > 0) ok = res.write(out);
        if (!ok) source.pause();
      },
      end: () => {
        for (const b of this.options.flush()) if (b.length > 0) res.write(b);
        res.end();
        this.end("complete");
      },
      error: (err) => this.fail(err),
    });
  }
}
