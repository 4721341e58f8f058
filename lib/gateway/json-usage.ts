/**
 * Reads the few top-level values of a JSON answer that carry usage (`model`, `usage`,
 * `usageMetadata`… — the API type's `jsonUsageKeys`) from an answer of any size, as it
 * streams past, without keeping the answer.
 *
 * Small answers (≤ {@link WHOLE_BODY_LIMIT}) are kept and parsed whole with `JSON.parse`
 * (native, fastest). Past that, a byte-level "skeleton" scanner takes over: it follows
 * strings, escapes and nesting depth, and keeps only the bytes of the wanted top-level
 * values (each up to {@link VALUE_LIMIT}); a 5 MB embeddings answer costs one linear pass
 * and a few hundred bytes of memory. JSON grammar: RFC 8259.
 */

/** Bodies up to this many bytes are parsed whole (bytes). */
export const WHOLE_BODY_LIMIT = 256 * 1024;
/** A wanted value longer than this is dropped (bytes): usage objects are tiny. */
export const VALUE_LIMIT = 64 * 1024;
/** Top-level keys longer than this cannot be wanted ones (bytes). */
const KEY_LIMIT = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

const STRING_STOP = /["\\]/g;
const TOP_STOP = /["{}[\],:]/g;
const NESTED_STOP = /["{}[\]]/g;

type Phase = "start" | "key" | "colon" | "value" | "done";

const WANTED_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * Collects the wanted top-level values of one JSON object fed in pieces.
 *
 *   const reader = new JsonUsageReader(["model", "usage"]);
 *   for (const chunk of body) reader.push(chunk);
 *   reader.result() // { model: "gpt-4o", usage: { prompt_tokens: 9, … } } (only keys present)
 */
export class JsonUsageReader {
  private readonly wanted: ReadonlySet<string>;
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private scanning = false;
  // Scanner state (used once the body outgrows WHOLE_BODY_LIMIT).
  private phase: Phase = "start";
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The top-level key being read, as latin1 text (wanted keys are ASCII, so it compares as is). */
  private key = "";
  private capturingKey: string | null = null;
  private capture: Buffer[] = [];
  private captureBytes = 0;
  private captureDropped = false;
  private readonly values: Record<string, unknown> = {};
  private broken = false;

  constructor(wanted: readonly string[]) {
    // One Set per API type's key list, not one per answer.
    let set = WANTED_SETS.get(wanted);
    if (!set) WANTED_SETS.set(wanted, (set = new Set(wanted)));
    this.wanted = set;
  }

  /** Feeds the next piece of the body. Never throws. */
  push(chunk: Uint8Array): void {
    if (this.broken) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.scanning) {
      this.kept.push(buf);
      this.keptBytes += buf.length;
      if (this.keptBytes <= WHOLE_BODY_LIMIT) return;
      this.scanning = true;
      const kept = this.kept;
      this.kept = [];
      for (const piece of kept) this.scan(piece);
      return;
    }
    this.scan(buf);
  }

  /**
   * The wanted values found (absent keys are missing; a broken or non-object body gives `{}`;
   * a small array of objects gives each key's last value).
   */
  result(): Record<string, unknown> {
    if (!this.scanning) {
      if (this.keptBytes === 0) return {};
      try {
        const body = this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept, this.keptBytes);
        const parsed: unknown = JSON.parse(body.toString("utf8"));
        if (parsed === null || typeof parsed !== "object") return {};
        const out: Record<string, unknown> = {};
        // An array of objects (Gemini's streamGenerateContent without alt=sse): the last
        // element that has a wanted key gives its value (usage comes with the last chunk).
        for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
          if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
          for (const key of this.wanted) if (Object.hasOwn(item, key)) out[key] = (item as Record<string, unknown>)[key];
        }
        return out;
      } catch {
        return {};
      }
    }
    return this.values;
  }

  /**
   * One pass over `buf`. The bytes are viewed as latin1 text (one character per byte, so
   * indexes are byte offsets) and the next character that matters is found with a sticky
   * regular expression (native), not byte by byte: inside strings only `"` and `\`
   * matter, in nested values only quotes and brackets, at the top level also `,` and `:`.
   */
  private scan(buf: Buffer): void {
    const text = buf.toString("latin1");
    const n = text.length;
    let i = 0;
    let captureFrom = this.capturingKey !== null ? 0 : -1;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          if (this.phase === "key" && this.depth === 1) this.keyText(text, i, i + 1);
          i++;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const found = STRING_STOP.exec(text);
        const stop = found ? found.index : n;
        if (this.phase === "key" && this.depth === 1) this.keyText(text, i, stop);
        if (!found) break;
        if (text.charCodeAt(stop) === BACKSLASH) {
          this.escaped = true;
          if (this.phase === "key" && this.depth === 1) this.keyText(text, stop, stop + 1);
          i = stop + 1;
          continue;
        }
        this.inString = false;
        i = stop + 1;
        if (this.phase === "key" && this.depth === 1) this.phase = "colon";
        continue;
      }
      const pattern = this.depth === 1 ? TOP_STOP : NESTED_STOP;
      pattern.lastIndex = i;
      const found = pattern.exec(text);
      if (!found) break;
      i = found.index;
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.phase === "key") this.key = "";
        i++;
        continue;
      }
      if (c === COLON) {
        if (this.phase === "colon") {
          this.phase = "value";
          if (this.key.length <= KEY_LIMIT && this.wanted.has(this.key)) {
            this.capturingKey = this.key;
            this.capture = [];
            this.captureBytes = 0;
            this.captureDropped = false;
            captureFrom = i + 1;
          }
        }
        i++;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth === 0) {
          if (c !== OPEN_BRACE) return this.fail();
          this.phase = "key";
        }
        this.depth++;
        i++;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === 1) {
          this.endValue(buf, captureFrom, i);
          captureFrom = -1;
          this.phase = "done";
        }
        this.depth--;
        i++;
        continue;
      }
      // A comma at the top level: the next key follows.
      this.endValue(buf, captureFrom, i);
      captureFrom = -1;
      this.phase = "key";
      i++;
    }
    if (captureFrom !== -1 && this.capturingKey !== null) this.keep(buf.subarray(captureFrom, n));
  }

  private keyText(text: string, from: number, to: number): void {
    if (this.key.length <= KEY_LIMIT) this.key += text.slice(from, Math.min(to, from + KEY_LIMIT + 1));
  }

  private keep(piece: Buffer): void {
    if (this.captureDropped) return;
    if (this.captureBytes + piece.length > VALUE_LIMIT) {
      this.captureDropped = true;
      this.capture = [];
      return;
    }
    // Copy: the chunk it came from is handed on to the client and may be reused.
    this.capture.push(Buffer.from(piece));
    this.captureBytes += piece.length;
  }

  private endValue(buf: Buffer, from: number, to: number): void {
    if (this.capturingKey === null) return;
    if (from !== -1) this.keep(buf.subarray(from, to));
    if (!this.captureDropped) {
      try {
        this.values[this.capturingKey] = JSON.parse(Buffer.concat(this.capture).toString("utf8"));
      } catch {
        // not JSON after all: no usage from this value
      }
    }
    this.capturingKey = null;
    this.capture = [];
  }

  private fail(): void {
    this.broken = true;
    this.capture = [];
  }
}
