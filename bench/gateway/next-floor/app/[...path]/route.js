// The Next floor of `npm run bench:gateway`: a bare Next.js route handler that only
// forwards the request to the upstream and returns its answer (what any gateway inside
// Next.js costs before it does anything of its own).
export const dynamic = "force-dynamic";

async function forward(req) {
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  headers.delete("host");
  headers.delete("connection");
  headers.delete("content-length");
  const answer = await fetch(process.env.UPSTREAM_URL + url.pathname + url.search, { method: req.method, headers, body: req.method === "GET" ? undefined : req.body, duplex: "half" });
  const out = new Headers(answer.headers);
  out.delete("content-length");
  out.delete("transfer-encoding");
  out.delete("content-encoding");
  return new Response(answer.body, { status: answer.status, headers: out });
}

export { forward as GET, forward as POST };
