import type { ApiTypeModule, Usage } from "@/lib/providers/api-types";

/**
 * Reads usage from streamed answers as they pass — Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
 * and NDJSON (one JSON value per line, Ollama's native streams) — with work linear in the
 * bytes and memory bounded whatever the line length.
 *
 * Lines are found with `Buffer.indexOf` (native) on the bytes as they come; only lines
 * that matter (`data:`, `event:`, NDJSON lines) are decoded, and a line longer than
 * {@link LINE_LIMIT} is skipped rather than kept: events that carry usage are small, so a
 * 32 MB `data:` line costs one scan and no copy. (`eventsource-parser` is linear too, but
 * keeps every line whole.)
 *
 * When the gateway asked the upstream for usage the client did not ask for
 * (`usageInjected`), the usage-only event is cut out of what goes to the client, byte
 * exact: bytes of an event are held until its blank line arrives (a client cannot use an
 * event before that anyway, so nothing is delayed), and an event that grows past
 * {@link HOLD_LIMIT} is let through unheld, since it cannot be the small usage-only one.
 */

/** Longest line read for usage (bytes); longer lines pass through unread. */
export const LINE_LIMIT = 1024 * 1024;
/** Longest event held back while deciding whether to withhold it (bytes). */
export const HOLD_LIMIT = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

type Readers = Pick<ApiTypeModule, "readSseUsage" | "readNdjsonUsage" | "isUsageOnlyEvent">;

const DATA = Buffer.from("data:");
const EVENT = Buffer.from("event:");

/** SSE usage reader and (optionally) usage-only event filter. */
export class SseUsageReader {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private lineTooLong = false;
  private eventName: string | undefined;
  private data: string[] = [];
  private dataBytes = 0;
  private eventTooLong = false;
  // Withholding (usageInjected only).
  private held: Buffer[] = [];
  private heldBytes = 0;
  private passing = false;
  /** Usage-only events withheld from the client. */
  withheld = 0;
  /** The first error event the upstream sent inside its 2xx stream, if any ({@link streamErrorOf}). */
  streamError: string | null = null;

  constructor(
    private readonly readers: Readers,
    readonly usage: Usage,
    private readonly withhold: boolean,
  ) {}

  /**
   * Reads one chunk; returns what to send the client now (the chunk itself unless
   * withholding is on, in which case it may be less, or more when held bytes are released).
   */
  push(chunk: Buffer): Buffer | Buffer[] {
    let from = 0;
    // Bytes of this chunk that go out are one run, [runStart, runEnd): one write per chunk
    // rather than one per event. Held bytes (an event begun in an earlier chunk) go first.
    let runStart = 0;
    let segmentStart = 0;
    const out: Buffer[] = [];
    for (;;) {
      const nl = chunk.indexOf(LF, from);
      if (nl === -1) {
        this.addToLine(chunk, from, chunk.length, true);
        break;
      }
      let ended: boolean | null;
      if (this.lineBytes === 0 && !this.lineTooLong) {
        // The whole line is in this chunk (the usual case): read where it is, no copy.
        if (nl - from > LINE_LIMIT) {
          this.eventTooLong = true;
          ended = null;
        } else ended = this.readLine(chunk, from, nl);
      } else {
        this.addToLine(chunk, from, nl, false);
        ended = this.endLine();
      }
      from = nl + 1;
      if (ended !== null && this.withhold) {
        // An event ended at `from`: its bytes are the held ones + chunk[segmentStart, from).
        if (ended && !this.passing) {
          // The usage-only event the gateway asked for: cut out, the run so far goes first.
          if (segmentStart > runStart) out.push(chunk.subarray(runStart, segmentStart));
          runStart = from;
          this.withheld++;
        } else if (!this.passing) {
          // Held bytes exist only for the chunk's first event (segmentStart = runStart = 0).
          for (const h of this.held) out.push(h);
        }
        this.held = [];
        this.heldBytes = 0;
        this.passing = false;
        segmentStart = from;
      }
    }
    if (!this.withhold) return chunk;
    let runEnd = segmentStart;
    if (segmentStart < chunk.length) {
      const rest = chunk.subarray(segmentStart);
      if (this.passing) runEnd = chunk.length;
      else if (this.heldBytes + rest.length > HOLD_LIMIT) {
        for (const h of this.held) out.push(h);
        this.held = [];
        this.heldBytes = 0;
        this.passing = true;
        runEnd = chunk.length;
      } else {
        // Copy: the source chunk's memory may be reused once handed on.
        this.held.push(Buffer.from(rest));
        this.heldBytes += rest.length;
      }
    }
    if (runEnd > runStart) {
      if (out.length === 0) return runStart === 0 && runEnd === chunk.length ? chunk : chunk.subarray(runStart, runEnd);
      out.push(chunk.subarray(runStart, runEnd));
    }
    return out;
  }

  /** At the end of the stream: reads a last event without its blank line; returns held bytes. */
  end(): Buffer[] {
    if (this.lineBytes > 0 || this.lineTooLong) this.endLine();
    const last = this.dispatch();
    const rest = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (this.withhold && last === true && !this.passing) {
      this.withheld++;
      return [];
    }
    return rest;
  }

  /** `copy`: the piece outlives its chunk (a line continued in the next chunk). */
  private addToLine(chunk: Buffer, from: number, to: number, copy: boolean): void {
    if (to <= from || this.lineTooLong) return;
    if (this.lineBytes + (to - from) > LINE_LIMIT) {
      this.lineTooLong = true;
      this.line = [];
      return;
    }
    this.line.push(copy ? Buffer.from(chunk.subarray(from, to)) : chunk.subarray(from, to));
    this.lineBytes += to - from;
  }

  /** Handles the line gathered from pieces of several chunks. Returns as {@link readLine}. */
  private endLine(): boolean | null {
    const tooLong = this.lineTooLong;
    const line = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    this.lineTooLong = false;
    if (tooLong) {
      // A line too long to read: if it was data, this event is not one to read.
      this.eventTooLong = true;
      return null;
    }
    return this.readLine(line, 0, line.length);
  }

  /** Handles the line `buf[start, end)` (without its LF). Returns null, or at a blank line whether the event was usage-only. */
  private readLine(buf: Buffer, start: number, end: number): boolean | null {
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) return this.dispatch();
    if (startsWith(buf, start, end, DATA)) {
      const from = end - start > 5 && buf[start + 5] === 0x20 ? start + 6 : start + 5;
      if (this.dataBytes + (end - start) > LINE_LIMIT) this.eventTooLong = true;
      else {
        this.data.push(buf.toString("utf8", from, end));
        this.dataBytes += end - start;
      }
    } else if (startsWith(buf, start, end, EVENT)) {
      this.eventName = buf.toString("utf8", start + 6, end).trim();
    }
    return null;
  }

  private dispatch(): boolean {
    let usageOnly = false;
    if (this.data.length > 0 && !this.eventTooLong) {
      const data = this.data.length === 1 ? this.data[0]! : this.data.join("\n");
      this.streamError ??= streamErrorOf(this.eventName, data);
      try {
        this.readers.readSseUsage(this.eventName, data, this.usage);
        if (this.withhold) usageOnly = this.readers.isUsageOnlyEvent(this.eventName, data);
      } catch {
        // a reader must never break the stream
      }
    }
    this.eventName = undefined;
    this.data = [];
    this.dataBytes = 0;
    this.eventTooLong = false;
    return usageOnly;
  }
}

/**
 * An error an upstream reports inside a stream it began with a 2xx, as each API does:
 * an `error` event (Anthropic, https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events;
 * OpenAI Responses), a failed response (`response.failed`), or a data line that is an
 * error object (`{"error": …}`: OpenAI-style chat streams, Gemini, Ollama's NDJSON). Returns
 * the event's data (the log row's excerpt), or null.
 */
export function streamErrorOf(event: string | undefined, data: string): string | null {
  if (event === "error" || event === "response.failed") return data;
  // Per event on the hot path: a chunk starting `{"id"…` is told apart by two characters.
  const first = data.charCodeAt(0);
  if (first === 0x7b /* { */ && data.charCodeAt(1) === 0x22 /* " */) return data.startsWith('{"error"') ? data : null;
  return (first === 0x7b || first <= 0x20) && /^\s*\{\s*"error"\s*:/.test(data.slice(0, 32)) ? data : null;
}

/** Whether `buf[start, end)` begins with `prefix` (compared in place: no view is made per line). */
function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** NDJSON usage reader: each line up to {@link LINE_LIMIT} goes to `readNdjsonUsage`. */
export class NdjsonUsageReader {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private lineTooLong = false;

  /** The first error line the upstream sent inside its 2xx stream, if any ({@link streamErrorOf}). */
  streamError: string | null = null;

  constructor(
    private readonly readers: Readers,
    readonly usage: Usage,
  ) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, from);
      if (nl === -1) {
        this.add(chunk, from, chunk.length);
        return;
      }
      this.add(chunk, from, nl);
      this.endLine();
      from = nl + 1;
    }
  }

  end(): void {
    if (this.lineBytes > 0) this.endLine();
  }

  private add(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.lineTooLong) return;
    if (this.lineBytes + (to - from) > LINE_LIMIT) {
      this.lineTooLong = true;
      this.line = [];
      return;
    }
    // Copy: a partial line outlives the chunk it came in.
    this.line.push(Buffer.from(chunk.subarray(from, to)));
    this.lineBytes += to - from;
  }

  private endLine(): void {
    const skip = this.lineTooLong;
    const line = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    this.lineTooLong = false;
    if (skip) return;
    const text = line.toString("utf8").trim();
    if (text === "") return;
    this.streamError ??= streamErrorOf(undefined, text);
    try {
      this.readers.readNdjsonUsage(text, this.usage);
    } catch {
      // a reader must never break the stream
    }
  }
}
