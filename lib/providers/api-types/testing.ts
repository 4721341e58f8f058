import { createParser } from "eventsource-parser";
import { emptyUsage, type ApiTypeModule, type UpstreamProvider, type Usage } from "./types";

/** Helpers for the API type tables (tests only). */

/** A provider of `apiType` for unit tables. */
export function testProvider(apiType: string, overrides: Partial<UpstreamProvider> = {}): UpstreamProvider {
  return { id: "00000000-0000-4000-8000-000000000000", key: "p", apiType, baseUrl: "https://upstream.example/v1", secrets: {}, settings: {}, models: [], ...overrides };
}

/** `text` cut into pieces of `size` characters (reads that split events, lines and even UTF-8 sequences). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * Feeds an SSE body, in `chunkSize`-character reads, through `eventsource-parser` (what the
 * gateway core uses) into the module's reader; returns the usage and the events the core
 * would withhold after injecting usage.
 */
export function sseUsage(module: ApiTypeModule, body: string, chunkSize: number): { usage: Usage; usageOnly: string[] } {
  const usage = emptyUsage();
  const usageOnly: string[] = [];
  const parser = createParser({
    onEvent: (e) => {
      module.readSseUsage(e.event, e.data, usage);
      if (module.isUsageOnlyEvent(e.event, e.data)) usageOnly.push(e.data);
    },
  });
  for (const piece of pieces(body, chunkSize)) parser.feed(piece);
  return { usage, usageOnly };
}

/** Feeds an NDJSON body in `chunkSize`-character reads, line by line, into the module's reader. */
export function ndjsonUsage(module: ApiTypeModule, body: string, chunkSize: number): Usage {
  const usage = emptyUsage();
  let pending = "";
  for (const piece of pieces(body, chunkSize)) {
    pending += piece;
    let nl: number;
    while ((nl = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) module.readNdjsonUsage(line, usage);
    }
  }
  if (pending.trim()) module.readNdjsonUsage(pending.trim(), usage);
  return usage;
}

/** The module's reading of a JSON answer. */
export function jsonUsage(module: ApiTypeModule, body: unknown): Usage {
  const usage = emptyUsage();
  module.readJsonUsage(body, usage);
  return usage;
}

/** An SSE body from `[event, data]` pairs (event null = no `event:` line). */
export function sse(events: [string | null, unknown][]): string {
  return events.map(([event, data]) => `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`).join("");
}
