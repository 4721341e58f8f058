import { describe, expect, it } from "vitest";
import { addMembers } from "./request-body";

const usage = { stream_options: { include_usage: true } };

describe("addMembers", () => {
  it("puts the members first and keeps the client's bytes after them", () => {
    const body = Buffer.from('{"model":"gpt-4o",  "stream":true, "messages":[{"role":"user","content":"é {\\"x\\"}"}]}');
    const out = addMembers(body, usage)!;
    expect(out.toString()).toBe('{"stream_options":{"include_usage":true},"model":"gpt-4o",  "stream":true, "messages":[{"role":"user","content":"é {\\"x\\"}"}]}');
    expect(JSON.parse(out.toString())).toEqual({ ...JSON.parse(body.toString()), ...usage });
  });

  it("handles whitespace before and inside the braces, and an empty object", () => {
    expect(addMembers(Buffer.from(' \n\t{\r\n "a": 1 }\n'), usage)!.toString()).toBe(' \n\t{"stream_options":{"include_usage":true},\r\n "a": 1 }\n');
    expect(JSON.parse(addMembers(Buffer.from("{ \n }"), usage)!.toString())).toEqual(usage);
  });

  it("refuses what is not an object's bytes, so the caller re-serialises", () => {
    expect(addMembers(Buffer.from('["a"]'), usage)).toBeNull();
    expect(addMembers(Buffer.from("\ufeff{}"), usage)).toBeNull();
    expect(addMembers(Buffer.from(""), usage)).toBeNull();
  });
});
