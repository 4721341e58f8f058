/**
 * Reads a web `ReadableStream` body whole, at most `maxBytes` bytes: past the limit the
 * stream is cancelled and null returned, so a body without Content-Length is cut off at
 * the limit rather than buffered whole. One reader for JSON API bodies (lib/http/api.ts),
 * server-action bodies in middleware (lib/http/action-gate.ts) and gateway calls on the
 * Fetch mount (lib/gateway/core.ts).
 * @returns the bytes (an empty Buffer for no body), or null when the body is larger.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: the answer (413) need not wait for the client's stream to wind down.
      void reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks, size);
}
