import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { stopGracefullyOnSignals } from "./graceful-shutdown";

// A real node:http server with requests the test holds open; the stop sequence must let
// them finish (or cut them after the grace period) before the hooks run.
let server: http.Server;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function serve(grace: number, hooks: () => Promise<void>, events: string[] = []) {
  const releases: (() => void)[] = [];
  server = http.createServer((_req, res) => {
    res.on("close", () => events.push("response closed"));
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first part;");
    releases.push(() => res.end("second part"));
  });
  const shutdown = stopGracefullyOnSignals(server, { graceMs: grace, signals: [], exit: () => {}, runHooks: hooks });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, releases, shutdown };
}

/** Starts a GET and resolves once its first bytes arrived, with a promise of the whole body. */
async function startRequest(url: string): Promise<{ body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = "";
      const done = new Promise<string>((ok, fail) => {
        res.on("end", () => ok(body));
        res.on("error", fail);
        res.on("aborted", () => fail(new Error("aborted")));
      });
      done.catch(() => {});
      res.once("data", () => resolve({ body: done }));
      res.on("data", (d: Buffer) => (body += d.toString()));
    }).on("error", reject);
  });
}

describe("graceful shutdown", () => {
  it("stops accepting, lets in-flight requests finish, then runs the hooks and exits 0", async () => {
    const events: string[] = [];
    const { url, releases, shutdown } = await serve(
      60_000,
      async () => {
        events.push("hooks");
      },
      events,
    );
    const { body } = await startRequest(url);
    const stopped = shutdown.stop("test");
    await expect(fetch(url)).rejects.toThrow();
    expect(events).toEqual([]);
    releases[0]!();
    expect(await body).toBe("first part;second part");
    expect(await stopped).toBe(0);
    expect(events).toEqual(["response closed", "hooks"]);
  });

  it("cuts requests still running after the grace period, then runs the hooks and exits 0", async () => {
    let hooksRan = false;
    const { url, shutdown } = await serve(200, async () => {
      hooksRan = true;
    });
    const { body } = await startRequest(url);
    expect(await shutdown.stop("test")).toBe(0);
    await expect(body).rejects.toThrow();
    expect(hooksRan).toBe(true);
  });

  it("exits 1 when a hook does not finish in time", async () => {
    server = http.createServer();
    const shutdown = stopGracefullyOnSignals(server, { graceMs: 0, hooksTimeoutMs: 50, signals: [], exit: () => {}, runHooks: () => new Promise(() => {}) });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    expect(await shutdown.stop("test")).toBe(1);
  });
});
