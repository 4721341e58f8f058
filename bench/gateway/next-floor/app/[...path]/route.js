// The Next floor of `npm run bench:gateway`: a bare Next.js route handler that only
// forwards the request to the upstream and returns its answer (what any gateway inside
// Next.js costs before it does anything of its own), with the cheapest forwarding Node
// offers inside a route: the body read whole, one pooled undici Agent, the answer's Node
// stream handed to the Response as an async iterable.
import { Agent, request } from "undici";

export const dynamic = "force-dynamic";

const agent = new Agent({ keepAliveTimeout: 10_000 });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "content-length"]);

async function forward(req) {
  const url = new URL(req.url);
  const headers = {};
  for (const [name, value] of req.headers) if (!HOP.has(name)) headers[name] = value;
  const body = req.method === "GET" ? null : Buffer.from(await req.arrayBuffer());
  const answer = await request(process.env.UPSTREAM_URL + url.pathname + url.search, { method: req.method, headers, body, dispatcher: agent });
  const out = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) if (!HOP.has(name) && name !== "content-encoding") out.set(name, String(value));
  return new Response(answer.body, { status: answer.statusCode, headers: out });
}

export { forward as GET, forward as POST };
