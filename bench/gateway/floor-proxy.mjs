// The floor of `npm run bench:gateway`: the least a Node pass-through proxy can do —
// node:http in, one pooled undici Agent out, body and answer piped, nothing else.
import http from "node:http";
import { Agent, request } from "undici";

const upstream = process.env.UPSTREAM_URL;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "content-length"]);

const server = http.createServer(async (req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP.has(name)) headers[name] = value;
  try {
    const answer = await request(upstream + req.url, { method: req.method, headers, body: req.method === "GET" ? null : req, dispatcher: agent });
    const out = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP.has(name)) out[name] = value;
    res.writeHead(answer.statusCode, out);
    answer.body.pipe(res);
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("floor listening"));
// Exit cleanly on SIGTERM (a `--cpu-prof` profile is written only on a normal exit).
process.on("SIGTERM", () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 200).unref());
