import { describe, expect, it } from "vitest";
import { checkActionBody, checkActionRequest, MAX_ACTION_DEPTH } from "./action-gate";

const ID = "7f".repeat(21);
const known = new Set([ID]);
const action = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://gh.test/login", { method: "POST", body, headers: { "next-action": ID, "content-type": "text/plain;charset=UTF-8", ...headers } });

describe("server-action gate", () => {
  it("lets React's own encodings through: (state, FormData) as multipart, no arguments as text", async () => {
    const form = new FormData();
    form.set("0", JSON.stringify([{ ok: false, message: "$$5 off" }, "$K1"]));
    form.set("_1_username", "ada");
    const req = new Request("http://gh.test/login", { method: "POST", body: form, headers: { "next-action": ID } });
    expect(await checkActionRequest(req, known)).toBeNull();
    expect(await checkActionRequest(action("[]"), known)).toBeNull();
  });

  it.each([
    ["an unknown action id", action("[]", { "next-action": "0".repeat(42) }), 404, "not_found"],
    ["a malformed action id", action("[]", { "next-action": "../x" }), 404, "not_found"],
    ["a JSON content type", action("[]", { "content-type": "application/json" }), 415, "unsupported_media_type"],
    ["a body over 1 MB by Content-Length", action("[]", { "content-length": "1500000" }), 413, "payload_too_large"],
    ["a body over 1 MB without Content-Length", action(`["${"x".repeat(1_100_000)}"]`), 413, "payload_too_large"],
    ["a body that is not JSON", action("{{{"), 400, "validation"],
    ["a body that is not an array", action("{}"), 400, "validation"],
    ["a reference to a part that was not sent", action('["$Q99"]'), 400, "validation"],
    ["a promise reference", action('["$@1"]'), 400, "validation"],
    ["a server reference", action('["$F1"]'), 400, "validation"],
    ["a bad BigInt", action('["$nzz"]'), 400, "validation"],
    ["a 10,000-deep argument", action(`${"[".repeat(10_000)}${"]".repeat(10_000)}`), 400, "validation"],
  ])("refuses %s", async (_what, req, status, code) => {
    expect(await checkActionRequest(req, known)).toMatchObject({ status, code });
  });

  it("refuses a no-JavaScript form post naming an unknown action, passes one naming a known one", async () => {
    const form = (id: string) => {
      const f = new FormData();
      f.set(`$ACTION_ID_${id}`, "");
      return new Request("http://gh.test/", { method: "POST", body: f });
    };
    expect(await checkActionRequest(form("1".repeat(42)), known)).toMatchObject({ status: 404 });
    expect(await checkActionRequest(form(ID), known)).toBeNull();
  });

  it(`accepts nesting up to ${MAX_ACTION_DEPTH} levels`, () => {
    expect(checkActionBody(`${"[".repeat(MAX_ACTION_DEPTH)}${"]".repeat(MAX_ACTION_DEPTH)}`)).toBeNull();
    expect(checkActionBody(`${"[".repeat(MAX_ACTION_DEPTH + 1)}${"]".repeat(MAX_ACTION_DEPTH + 1)}`)).not.toBeNull();
  });
});
