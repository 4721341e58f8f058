// The loopback fake upstream of `npm run bench:gateway`: OpenAI-style chat completions.
// Plain calls get a small JSON answer with usage; streamed calls (`"stream": true`) get
// eight SSE chunks and a usage chunk. Model "slow-stream" sends its first chunk at once and
// the rest 20 ms later (for time-to-first-event). Plain Node, no dependencies.
import http from "node:http";

const port = Number(process.env.PORT ?? 0);
const usage = { prompt_tokens: 9, completion_tokens: 8, total_tokens: 17 };
const plain = JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion", created: 0, model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: "Hello from the bench upstream." }, finish_reason: "stop" }], usage });
const chunk = (content) => `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "gpt-4o", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const first = chunk("Hello");
const rest = [" from", " the", " bench", " upstream", ".", "", ""].map(chunk).join("");
const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "gpt-4o", choices: [], usage })}\n\n`;

const server = http.createServer((req, res) => {
  const parts = [];
  req.on("data", (c) => parts.push(c));
  req.on("end", () => {
    const body = Buffer.concat(parts).toString();
    const stream = body.includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(plain) });
      res.end(plain);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(first);
    const finish = () => {
      res.write(rest);
      if (body.includes('"include_usage":true')) res.write(usageChunk);
      res.end("data: [DONE]\n\n");
    };
    if (body.includes('"slow-stream"')) setTimeout(finish, 20);
    else finish();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`upstream listening ${server.address().port}`));
