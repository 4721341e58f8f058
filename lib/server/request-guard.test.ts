import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { answerClientError, checkRequestLine, guardBody } from "./request-guard";

describe("request guard (server.ts)", () => {
  it.each(["TRACE", "PROPFIND", "MKCOL", "LOCK", "SEARCH"])("answers %s with 405 and Allow instead of a framework 500", (method) => {
    const a = checkRequestLine(method, "/api/v1/users");
    expect(a).toMatchObject({ status: 405, code: "method_not_allowed" });
    expect(a!.headers!.allow).toContain("GET");
  });

  it.each(["/api/v1/users/%zz", "/api/v1/users/%FF%FE", "/api/v1/users/%2e%2e", "/api/v1/users/%2E", "/api/v1/users/..", "/gateway/%00/v1/models", "/api/v1/keys/a%0ab"])(
    "answers %s with 404 not_found",
    (path) => expect(checkRequestLine("GET", path)).toMatchObject({ status: 404, code: "not_found" }),
  );

  it("hands dot segments under /gateway/ on to the gateway, which refuses them itself (and logs the call)", () => {
    for (const path of ["/gateway/openai/v1/../models", "/gateway/openai/v1/%2e%2e/models", "/gateway/openai/./v1/models"]) {
      expect(checkRequestLine("GET", path), path).toBeNull();
    }
  });

  it("hands ordinary requests on, however odd their query", () => {
    for (const path of ["/", "/api/v1/users/6f1c0e8e-3b7a-4f8e-9a55-5b9a2f1f2c11", "/gateway/openai/v1/models:list", "/login?next=%zz", "/_next/static/chunks/a.js"]) {
      expect(checkRequestLine("GET", path)).toBeNull();
    }
  });

  it("speaks the API's shape, and the OpenAI SDK's under /gateway", () => {
    const a = checkRequestLine("GET", "/gateway/%00/v1/models")!;
    expect(JSON.parse(guardBody("/gateway/%00/v1/models", a))).toEqual({ error: { message: a.message, type: "not_found_error", code: "not_found" } });
    expect(JSON.parse(guardBody("/api/v1/x", a))).toEqual({ error: { code: "not_found", message: a.message } });
  });
});

describe("client errors (the parser's, before any handler)", () => {
  const answer = (code: string) => {
    const socket = new PassThrough();
    let written = "";
    socket.on("data", (c) => (written += c));
    answerClientError(Object.assign(new Error(code), { code }), socket);
    return written;
  };

  it.each([
    ["ERR_HTTP_REQUEST_TIMEOUT", "408 Request Timeout"],
    ["HPE_HEADER_TIMEOUT", "408 Request Timeout"],
    ["HPE_HEADER_OVERFLOW", "431 Request Header Fields Too Large"],
    ["HPE_INVALID_CHUNK_SIZE", "400 Bad Request"],
  ])("%s → %s", (code, status) => {
    expect(answer(code)).toMatch(new RegExp(`^HTTP/1.1 ${status}\r\n`));
  });
});
