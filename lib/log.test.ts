import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { createLogger, flushLogs } from "./log";
import { runWithRequestContext, setRequestUser } from "./request-context";

function capture(format: "text" | "json") {
  const out: string[] = [];
  const err: string[] = [];
  const logger = createLogger({ format, sink: { out: (l) => out.push(l), err: (l) => err.push(l) } });
  return { logger, out, err };
}

describe("logger", () => {
  it("writes one JSON object per line with the request's id and user, in JSON format", () => {
    const { logger, out, err } = capture("json");
    runWithRequestContext({ requestId: "req-1" }, () => {
      logger.info("before sign-in");
      setRequestUser("user-7");
      logger.error("multi\nline", { provider: "openai", attempts: 2, missing: undefined });
    });
    logger.info("outside");
    expect(err).toEqual([]);
    expect(out.every((line) => line.endsWith("\n") && line.indexOf("\n") === line.length - 1)).toBe(true);
    const [first, second, third] = out.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ level: "info", msg: "before sign-in", request_id: "req-1" });
    expect(first).not.toHaveProperty("user_id");
    expect(second).toMatchObject({ level: "error", msg: "multi\nline", request_id: "req-1", user_id: "user-7", provider: "openai", attempts: 2 });
    expect(second).not.toHaveProperty("missing");
    expect(Date.parse(second.time)).not.toBeNaN();
    expect(third).not.toHaveProperty("request_id");
  });

  it("logs a request with id, user, method, route, status and duration", () => {
    const { logger, out } = capture("json");
    logger.request({ requestId: "r", userId: "u", method: "GET", route: "/api/v1/keys", status: 200, durationMs: 12 });
    expect(JSON.parse(out[0]!)).toMatchObject({ msg: "request", request_id: "r", user_id: "u", method: "GET", route: "/api/v1/keys", status: 200, duration_ms: 12 });
  });

  it("writes text lines, errors on stderr, in text format", () => {
    const { logger, out, err } = capture("text");
    logger.info("ready", { port: 3000, where: "two words" });
    logger.warn("careful");
    logger.request({ requestId: "r", method: "POST", route: "/gateway/p/v1/chat/completions", status: 502, durationMs: 40 });
    expect(out).toEqual(['gatehouse: ready port=3000 where="two words"\n']);
    expect(err).toEqual(["gatehouse: careful\n", "gatehouse: POST /gateway/p/v1/chat/completions 502 40 ms (request r)\n"]);
  });

  it("writes the lines of one event-loop turn to stdout in one write, in order", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const logger = createLogger({ format: "json" });
      for (let i = 0; i < 50; i++) logger.info(`line ${i}`);
      expect(write).not.toHaveBeenCalled();
      await new Promise((resolve) => setImmediate(resolve));
      expect(write).toHaveBeenCalledTimes(1);
      const lines = String(write.mock.calls[0]![0]).trimEnd().split("\n").map((line) => JSON.parse(line).msg);
      expect(lines).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
    } finally {
      flushLogs();
      write.mockRestore();
    }
  });

  it("writes what is pending when the process exits, errors included", () => {
    const code = `const { log } = require("./lib/log.ts"); for (let i = 0; i < 1000; i++) log.info("line " + i); log.error("last words"); process.exit(3);`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: process.cwd(), encoding: "utf8", env: { ...process.env, GATEHOUSE_LOG_FORMAT: "text" } });
    expect(child.status).toBe(3);
    const lines = child.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe("gatehouse: line 999");
    expect(child.stderr).toContain("gatehouse: last words");
  });
});
