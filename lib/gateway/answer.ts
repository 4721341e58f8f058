import type http from "node:http";
import type { Readable } from "node:stream";

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

const ANSWER = Symbol.for("gatehouse.gateway.answer");

/**
 * An upstream answer's body on its way to the client, readable two ways from one object:
 * as the Response's web `ReadableStream` (the Next.js mount; pulled lazily, one chunk per
 * pull, so nothing is read ahead of the client), or piped straight into a Node
 * `ServerResponse` (the standalone listener; no web-stream hop, back-pressure through
 * `write()`/`drain`). Whichever reads first owns the source.
 */
export class Answer {
  private claimed = false;
  private ended = false;
  private failure: Error | null = null;
  private onFailure: (() => void) | null = null;

  constructor(
    private readonly source: Readable,
    private readonly options: AnswerOptions,
  ) {
    // Listened to from the start: an upstream body that breaks (or is aborted because the
    // client left) before anyone reads it must still end the call and its log row.
    source.once("error", (err) => {
      this.failure = err;
      this.end(options.cancelled() ? "cancelled" : "error");
      this.onFailure?.();
    });
  }

  /**
   * A Response carrying this answer; {@link Answer.of} finds the answer again (the Node
   * mount's fast path). With `webBody: false` (the Node mount, which never reads it) the
   * Response's own body is left empty: building a web ReadableStream per call costs more
   * than the rest of the Response.
   */
  response(status: number, headers: Headers, webBody = true): Response {
    const res = new Response(webBody ? this.webStream() : null, { status, headers });
    (res as Response & { [ANSWER]?: Answer })[ANSWER] = this;
    return res;
  }

  /** The answer behind a Response the core returned, if it has one that nobody has started reading. */
  static of(res: Response): Answer | null {
    const answer = (res as Response & { [ANSWER]?: Answer })[ANSWER];
    return answer && !answer.claimed ? answer : null;
  }

  /** Nobody will read this answer (the client left before it started): ends it as cancelled. */
  abandon(): void {
    this.claimed = true;
    this.end("cancelled");
    this.source.destroy();
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
      this.claimed = true;
      if (this.options.prefix) queue.push(...this.options.prefix);
      this.source.on("data", (chunk: Buffer) => {
        const out = this.options.transform(chunk);
        if (Array.isArray(out)) {
          for (const b of out) if (b.length > 0) queue.push(b);
        } else if (out.length > 0) queue.push(out);
        if (queue.length > 0) this.source.pause();
        wake?.();
      });
      this.source.once("end", () => {
        for (const b of this.options.flush()) if (b.length > 0) queue.push(b);
        done = "end";
        wake?.();
      });
      this.onFailure = () => {
        done = this.failure;
        wake?.();
      };
      if (this.failure) done = this.failure;
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (!started) start();
          for (;;) {
            const next = queue.shift();
            if (next) {
              controller.enqueue(next);
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
            this.source.resume();
            await new Promise<void>((r) => (wake = r));
            wake = null;
          }
        },
        cancel: () => {
          this.claimed = true;
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
  pipeTo(res: http.ServerResponse, status: number, headers: Headers): void {
    this.claimed = true;
    const raw: string[] = [];
    headers.forEach((value, name) => raw.push(name, value));
    res.writeHead(status, raw);
    // A stream's headers go out at once: the client sees the status before the first event.
    if (/event-stream|ndjson/.test(headers.get("content-type") ?? "")) res.flushHeaders();
    for (const b of this.options.prefix ?? []) res.write(b);
    const source = this.source;
    const onData = (chunk: Buffer) => {
      const out = this.options.transform(chunk);
      let ok = true;
      if (Array.isArray(out)) {
        for (const b of out) if (b.length > 0) ok = res.write(b) && ok;
      } else if (out.length > 0) ok = res.write(out);
      if (!ok) source.pause();
    };
    const onDrain = () => source.resume();
    source.on("data", onData);
    res.on("drain", onDrain);
    source.once("end", () => {
      for (const b of this.options.flush()) if (b.length > 0) res.write(b);
      res.end();
      this.end("complete");
    });
    this.onFailure = () => res.destroy();
    if (this.failure) res.destroy();
    res.once("close", () => {
      if (!res.writableFinished) {
        this.end("cancelled");
        source.destroy();
      }
    });
  }
}
