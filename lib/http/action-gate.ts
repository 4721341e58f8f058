/**
 * The door for server-action requests (a POST with a `Next-Action` header), checked in
 * middleware.ts before Next.js decodes the arguments. Server actions are public endpoints,
 * and Next.js 15 answers malformed ones with a 500 (and a stack in the log): a body over its
 * 1 MB limit, a body that is not React's reply encoding, a bad reference such as `"$Q99"`,
 * an argument nested 10,000 deep; an unknown action id gets a text 404. Here each is
 * refused first, in the REST API's error shape (`{ error: { code, message } }`).
 *
 * The encoding (React's `encodeReply`, react-server-dom-webpack's ReplyClient): the
 * arguments array as JSON text (`text/plain`), or, when an argument is FormData, a
 * multipart body whose field `0` is that JSON and whose FormData arguments are fields
 * prefixed `<id>_`. Strings starting with `$` are references (`$$` escapes a literal `$`).
 * Gatehouse's actions take `(previous state, form data)`: plain JSON and FormData, so the
 * references accepted are the ones those need plus self-contained values; anything that
 * points at another part (outlined objects, promises, Maps, Sets, blobs, streams, server
 * references) is refused rather than handed to a decoder that throws on bad ones. For
 * multipart bodies, only field `0` is JSON to check; other fields are the form's values.
 */
import { readCapped } from "./read-capped";

/** Largest server-action body (bytes): Next.js's default `serverActions.bodySizeLimit`. */
export const MAX_ACTION_BYTES = 1_000_000;
/** Deepest argument nesting accepted; a form's state is 3 levels deep. */
export const MAX_ACTION_DEPTH = 32;

/** A Next.js server action id: 40 hex characters (SHA-1), 42 since Next.js 15.3 (a 2-character prefix). */
const ACTION_ID = /^[0-9a-f]{40,42}$/;

export interface GateRefusal {
  status: number;
  code: string;
  message: string;
}

/** Answers a refused action request in the API's shape. */
export function refusalResponse(r: GateRefusal): Response {
  return Response.json({ error: { code: r.code, message: r.message } }, { status: r.status });
}

/**
 * Checks what can be checked without the body: the action id's form, whether it is one of
 * this build's (`knownIds`, when known), the body's declared type and size.
 * @param knownIds this build's action ids, or null when they cannot be read (dev server)
 */
export function checkActionHead(headers: Pick<Headers, "get">, knownIds: ReadonlySet<string> | null): GateRefusal | null {
  const id = headers.get("next-action") ?? "";
  if (!ACTION_ID.test(id) || (knownIds && !knownIds.has(id))) {
    return { status: 404, code: "not_found", message: "No such server action: reload the page (a new version may have been deployed)" };
  }
  const type = (headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("text/plain") && !type.startsWith("multipart/form-data")) {
    return { status: 415, code: "unsupported_media_type", message: "Server actions take React's reply encoding (text/plain or multipart/form-data)" };
  }
  const length = headers.get("content-length");
  if (length !== null && Number(length) > MAX_ACTION_BYTES) {
    return { status: 413, code: "payload_too_large", message: `Server action bodies are at most ${MAX_ACTION_BYTES / 1_000_000} MB` };
  }
  return null;
}

const NOT_ENCODED: GateRefusal = { status: 400, code: "validation", message: "The body is not a server action's argument encoding; submit the form from the page" };

/**
 * Checks a body against the encoding (see the module comment).
 * @param root the JSON text of part `0` (the whole body for text/plain)
 */
export function checkActionBody(root: string): GateRefusal | null {
  let value: unknown;
  try {
    value = JSON.parse(root);
  } catch {
    return NOT_ENCODED;
  }
  if (!Array.isArray(value)) return { ...NOT_ENCODED, message: "A server action's arguments are a JSON array" };
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > MAX_ACTION_DEPTH) return { status: 400, code: "validation", message: `Server action arguments nest at most ${MAX_ACTION_DEPTH} levels deep` };
    if (typeof v === "string") {
      if (!acceptableString(v)) return { ...NOT_ENCODED, message: "The arguments hold a reference this action cannot take" };
    } else if (Array.isArray(v)) {
      for (const inner of v) stack.push({ v: inner, depth: depth + 1 });
    } else if (v && typeof v === "object") {
      for (const inner of Object.values(v)) stack.push({ v: inner, depth: depth + 1 });
    }
  }
  return null;
}

function acceptableString(s: string): boolean {
  if (s[0] !== "$") return true;
  const kind = s[1];
  if (kind === "$" || s === "$u" || s === "$N" || s === "$I" || s === "$-I" || s === "$-0") return true;
  // FormData: the fields prefixed `<id>_` (none is an empty FormData, which the wrapper refuses).
  if (kind === "K") return /^\$K[0-9a-f]+$/.test(s);
  if (kind === "T") return s.length <= 64;
  if (kind === "D") return !Number.isNaN(new Date(s.slice(2)).getTime());
  if (kind === "n") return /^\$n-?\d{1,1000}$/.test(s);
  return false;
}

/**
 * Checks a server-action request completely: head, then body (read from `req`, which in
 * middleware is Next.js's clone — the action still gets the original). Also covers the
 * no-JavaScript form post (multipart with `$ACTION_ID_<id>` fields and no header).
 * @returns the refusal, or null when Next.js may decode it
 */
export async function checkActionRequest(req: Request, knownIds: ReadonlySet<string> | null): Promise<GateRefusal | null> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const isFetchAction = req.headers.has("next-action");
  if (isFetchAction) {
    const head = checkActionHead(req.headers, knownIds);
    if (head) return head;
  } else if (!type.startsWith("multipart/form-data")) {
    return null;
  }
  const length = req.headers.get("content-length");
  if (length !== null && Number(length) > MAX_ACTION_BYTES) {
    return { status: 413, code: "payload_too_large", message: `Server action bodies are at most ${MAX_ACTION_BYTES / 1_000_000} MB` };
  }
  if (type.startsWith("text/plain")) {
    const body = await readCapped(req.body, MAX_ACTION_BYTES);
    return body === null ? tooLarge() : checkActionBody(body.toString("utf8"));
  }
  // multipart: the size is bounded by Content-Length above or by reading it capped here.
  const raw = await readCapped(req.body, MAX_ACTION_BYTES);
  if (raw === null) return tooLarge();
  let form: FormData;
  try {
    form = await new Request("http://gate.invalid/", { method: "POST", headers: { "content-type": req.headers.get("content-type") ?? "" }, body: new Uint8Array(raw) }).formData();
  } catch {
    return NOT_ENCODED;
  }
  if (!isFetchAction) {
    const ids = [...form.keys()].filter((k) => k.startsWith("$ACTION_ID_")).map((k) => k.slice("$ACTION_ID_".length));
    if ([...form.keys()].some((k) => k.startsWith("$ACTION_REF_"))) return { ...NOT_ENCODED, message: "This form post names a server action with bound arguments; none here takes them" };
    if (ids.length === 0) return null; // not an action: Next.js renders the page
    if (ids.some((id) => !ACTION_ID.test(id) || (knownIds && !knownIds.has(id)))) {
      return { status: 404, code: "not_found", message: "No such server action: reload the page (a new version may have been deployed)" };
    }
    return null;
  }
  const root = form.get("0");
  if (typeof root !== "string") return { ...NOT_ENCODED, message: "A server action's multipart body needs its arguments in field 0" };
  return checkActionBody(root);
}

function tooLarge(): GateRefusal {
  return { status: 413, code: "payload_too_large", message: `Server action bodies are at most ${MAX_ACTION_BYTES / 1_000_000} MB` };
}

