import { promisify } from "node:util";
import zlib from "node:zlib";

/**
 * Adds top-level members to a JSON object's bytes without re-serialising it: the rest of
 * the client's body goes upstream byte for byte, and the cost does not grow with the
 * prompt (`JSON.stringify` of a parsed 1 MB body is ~1 MB of work per call).
 *
 * `body` must be the bytes of a JSON object (RFC 8259 allows whitespace before it) that
 * has none of `members`' names — JSON objects should not repeat a name, and readers
 * disagree about which repeat wins. Returns null when `body` does not start with `{`
 * (then re-serialise instead). The members' bytes are made once per `members` object: pass
 * a constant.
 *
 *   addMembers(Buffer.from('{"model":"m","stream":true}'), { stream_options: { include_usage: true } })
 *   // → '{"stream_options":{"include_usage":true},"model":"m","stream":true}'
 */
export function addMembers(body: Buffer, members: Readonly<Record<string, unknown>>): Buffer | null {
  let open = 0;
  while (open < body.length && isJsonSpace(body[open]!)) open++;
  if (body[open] !== OPEN_BRACE) return null;
  let next = open + 1;
  while (next < body.length && isJsonSpace(body[next]!)) next++;
  const empty = body[next] === CLOSE_BRACE;
  const added = membersBytes(members);
  if (added.alone.length === 0) return body;
  return Buffer.concat([body.subarray(0, open + 1), empty ? added.alone : added.beforeMore, body.subarray(open + 1)]);
}

// The members' bytes, made once per members object (API types pass constants).
const MEMBERS_BYTES = new WeakMap<object, { alone: Buffer; beforeMore: Buffer }>();

function membersBytes(members: Readonly<Record<string, unknown>>): { alone: Buffer; beforeMore: Buffer } {
  let bytes = MEMBERS_BYTES.get(members);
  if (!bytes) {
    // `{"a":1,"b":2}` → `"a":1,"b":2`: the members as JSON, without their braces.
    const text = JSON.stringify(members).slice(1, -1);
    bytes = { alone: Buffer.from(text), beforeMore: Buffer.from(text === "" ? "" : `${text},`) };
    MEMBERS_BYTES.set(members, bytes);
  }
  return bytes;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** JSON's insignificant whitespace: space, tab, line feed, carriage return (RFC 8259 §2). */
function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotliDecompress = promisify(zlib.brotliDecompress);

/**
 * A request body the client compressed (`Content-Encoding: gzip`, `deflate` or `br`),
 * decoded — the gateway reads the JSON (usage injection, the model for the log) and sends
 * it upstream plain, since an upstream API may not take a compressed body. `maxBytes` caps
 * the decoded size (a small body that inflates hugely is refused, not expanded).
 * @returns the decoded bytes, or why not: `too_large` (over `maxBytes` decoded),
 *   `undecodable` (not valid data of that encoding), `unsupported` (another encoding).
 */
export async function decodeRequestBody(body: Buffer, encoding: string, maxBytes: number): Promise<Buffer | "too_large" | "undecodable" | "unsupported"> {
  const name = encoding.trim().toLowerCase();
  if (name === "" || name === "identity") return body;
  const decode = name === "gzip" || name === "x-gzip" ? gunzip : name === "deflate" ? inflate : name === "br" ? brotliDecompress : null;
  if (!decode) return "unsupported";
  try {
    return await decode(body, { maxOutputLength: maxBytes });
  } catch (err) {
    return (err as NodeJS.ErrnoException)?.code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError ? "too_large" : "undecodable";
  }
}
