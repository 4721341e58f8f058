/**
 * Keeps the provider's real credentials out of what clients see, should an upstream echo
 * them (some error messages quote the key they were sent). Applied to response headers,
 * bodies and log excerpts.
 *
 * Bodies of error answers (status ≥ 400) are redacted exactly: the last few bytes of each
 * chunk are held back until the next, so a key split across two chunks is still caught.
 * Successful answers stream with no hold-back (an SSE event must not wait for the next
 * one); there, keys are caught within a chunk only.
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

/** Redacts a byte stream chunk by chunk; see the module comment for `holdBack`. */
export class StreamRedactor {
  private readonly needles: Buffer[];
  private readonly keep: number;
  private tail: Buffer = Buffer.alloc(0);

  constructor(
    secrets: string[],
    private readonly holdBack: boolean,
  ) {
    this.needles = secrets.filter((s) => s.length >= 8).map((s) => Buffer.from(s, "utf8"));
    this.keep = holdBack ? Math.max(0, ...this.needles.map((n) => n.length - 1)) : 0;
  }

  get active(): boolean {
    return this.needles.length > 0;
  }

  /** Bytes safe to send now. */
  push(chunk: Uint8Array): Buffer {
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.active) return view;
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, view]) : view;
    const clean = this.replaceAll(joined);
    if (this.keep === 0 || clean.length <= this.keep) {
      if (this.keep === 0) return clean;
      this.tail = clean;
      return EMPTY;
    }
    this.tail = Buffer.from(clean.subarray(clean.length - this.keep));
    return clean.subarray(0, clean.length - this.keep);
  }

  /** Whatever was held back, at the end of the stream. */
  end(): Buffer {
    const rest = this.tail;
    this.tail = Buffer.alloc(0);
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
