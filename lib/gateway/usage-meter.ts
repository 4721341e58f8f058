import { emptyUsage, type ApiTypeModule, type Usage } from "@/lib/providers/api-types";

const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_EXCERPT_CHARS = 500;

type UsageReaders = Pick<ApiTypeModule, "readJsonUsage" | "readSseUsage" | "readNdjsonUsage">;

/**
 * Reads token usage from an answer as it streams past, without holding the stream up.
 * JSON bodies are kept (up to 4 MB) and parsed at the end; SSE is split into events
 * (`event:` + `data:` lines up to a blank line) and NDJSON into lines as they arrive, each
 * handed to the API type's reader.
 */
export class UsageMeter {
  readonly usage: Usage = emptyUsage();
  private readonly decoder = new TextDecoder();
  private readonly sse: boolean;
  private readonly ndjson: boolean;
  private readonly json: boolean;
  private chunks: Uint8Array[] = [];
  private size = 0;
  private pending = "";
  private excerpt = "";
  private eventName: string | undefined;
  private eventData: string[] = [];

  constructor(
    contentType: string | null,
    /** Upstream status: bodies of errors (≥ 400) are kept as an excerpt for the log. */
    private readonly status: number,
    private readonly readers: UsageReaders,
  ) {
    const type = (contentType ?? "").toLowerCase();
    this.sse = type.includes("text/event-stream");
    this.ndjson = !this.sse && type.includes("ndjson");
    this.json = !this.sse && !this.ndjson && type.includes("json");
  }

  get isStream(): boolean {
    return this.sse || this.ndjson;
  }

  push(chunk: Uint8Array): void {
    if (this.sse || this.ndjson) {
      const text = this.decoder.decode(chunk, { stream: true });
      if (this.status >= 400 && this.excerpt.length < MAX_EXCERPT_CHARS) this.excerpt += text;
      this.pending += text;
      let newline: number;
      while ((newline = this.pending.indexOf("\n")) !== -1) {
        this.line(this.pending.slice(0, newline));
        this.pending = this.pending.slice(newline + 1);
      }
      return;
    }
    if (this.size < MAX_JSON_BYTES) this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  private line(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (this.ndjson) {
      if (line.trim() !== "") this.readers.readNdjsonUsage(line, this.usage);
      return;
    }
    if (line === "") return this.dispatch();
    if (line.startsWith("data:")) this.eventData.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    else if (line.startsWith("event:")) this.eventName = line.slice(6).trim();
  }

  private dispatch(): void {
    if (this.eventData.length > 0) this.readers.readSseUsage(this.eventName, this.eventData.join("\n"), this.usage);
    this.eventName = undefined;
    this.eventData = [];
  }

  /** Ends metering; returns the usage and, for error statuses, the start of the body. */
  finish(): { usage: Usage; excerpt: string | null } {
    if (this.sse || this.ndjson) {
      if (this.pending) this.line(this.pending);
      this.pending = "";
      if (this.sse) this.dispatch();
      return { usage: this.usage, excerpt: this.status >= 400 ? this.excerpt.slice(0, MAX_EXCERPT_CHARS) : null };
    }
    let text = "";
    if (this.chunks.length > 0 && this.size <= MAX_JSON_BYTES) {
      text = Buffer.concat(this.chunks).toString("utf8");
      if (this.json) {
        try {
          this.readers.readJsonUsage(JSON.parse(text), this.usage);
        } catch {
          // a truncated or non-JSON body has no usage to read
        }
      }
    }
    this.chunks = [];
    return { usage: this.usage, excerpt: this.status >= 400 ? text.slice(0, MAX_EXCERPT_CHARS) : null };
  }
}

/** Rewrites chunks on their way out (e.g. redaction); `end` may add a last chunk. */
export interface ChunkMapper {
  push(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

/**
 * Passes `source` through chunk by chunk (no read-ahead: highWaterMark 0), showing each
 * chunk to `onChunk`, and calls `onEnd` once with how the stream ended. Cancelling the
 * result (client gone) cancels the upstream. `mapper` rewrites what goes out.
 */
export function observeStream(
  source: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: (outcome: "complete" | "error" | "cancelled") => void,
  mapper?: ChunkMapper,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let ended = false;
  const end = (outcome: "complete" | "error" | "cancelled") => {
    if (ended) return;
    ended = true;
    onEnd(outcome);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Read until something goes out: a pull that enqueues nothing is not repeated,
          // and the reader waiting on it would hang.
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              const last = mapper?.end();
              if (last && last.byteLength > 0) controller.enqueue(last);
              controller.close();
              end("complete");
              return;
            }
            onChunk(value);
            const out = mapper ? mapper.push(value) : value;
            if (out.byteLength > 0) {
              controller.enqueue(out);
              return;
            }
          }
        } catch (err) {
          end("error");
          controller.error(err);
        }
      },
      cancel(reason) {
        end("cancelled");
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
