/**
 * Keeps the provider's real credentials out of what clients see, should an upstream echo
 * them (some error messages quote the key they were sent). Applied to response headers,
 * bodies and log excerpts.
 *
 * Bodies are redacted exactly: the last few bytes of a chunk (one less than the longest
 * key) are held back until the next, so a key split across two chunks is still caught.
 * Line-delimited streams (SSE, NDJSON) hold back only bytes of a line not finished yet, so
 * a complete event never waits for the next one; and a body that arrives whole (its
 * `content-length` reached) holds nothing back.
 */
export const REDACTED = "[redacted]";
const REDACTED_BYTES = new TextEncoder().encode(REDACTED);
const EMPTY = Buffer.alloc(0);

/** Replaces every secret (of 8 characters or more) in `text`. */
export function redactText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8 && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * How much of a chunk's end may wait for the next: `always` (up to the longest key less one
 * byte), `partial-line` (the same, but never bytes before the chunk's last LF).
 */
export type HoldBack = "always" | "partial-line";

/** Redacts a byte stream chunk by chunk; see the module comment. */
export class StreamRedactor {
  private readonly needles: Buffer[];
  private readonly keep: number;
  private tail: Buffer = EMPTY;
  private seen = 0;

  /**
   * @param expectedBytes the body's length when known (`content-length`): once it has all
   *   arrived nothing is held back.
   */
  constructor(
    secrets: string[],
    private readonly holdBack: HoldBack,
    private readonly expectedBytes: number | null = null,
  ) {
    this.needles = secrets.filter((s) => s.length >= 8).map((s) => Buffer.from(s, "utf8"));
    this.keep = Math.max(0, ...this.needles.map((n) => n.length - 1));
  }

  get active(): boolean {
    return this.needles.length > 0;
  }

  /** Bytes safe to send now. */
  push(chunk: Uint8Array): Buffer {
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.active) return view;
    this.seen += view.length;
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, view]) : view;
    const clean = this.replaceAll(joined);
    let keep = this.seen === this.expectedBytes ? 0 : this.keep;
    if (keep > 0 && this.holdBack === "partial-line") keep = Math.min(keep, clean.length - 1 - clean.lastIndexOf(0x0a));
    if (keep === 0) {
      if (this.tail.length > 0) this.tail = EMPTY;
      return clean;
    }
    if (clean.length <= keep) {
      this.tail = clean === view ? Buffer.from(clean) : clean;
      return EMPTY;
    }
    // Copied: the source chunk's memory may be reused once handed on.
    this.tail = Buffer.from(clean.subarray(clean.length - keep));
    return clean.subarray(0, clean.length - keep);
  }

  /** Whatever was held back, at the end of the stream. */
  end(): Buffer {
    const rest = this.tail;
    this.tail = EMPTY;
    return rest;
  }

  private replaceAll(buf: Buffer): Buffer {
    let out = buf;
    for (const needle of this.needles) {
      let at = out.indexOf(needle);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(out.subarray(from, at), Buffer.from(REDACTED_BYTES));
        from = at + needle.length;
        at = out.indexOf(needle, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }
}
