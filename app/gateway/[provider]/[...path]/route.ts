import { proxyGatewayRequest } from "@/lib/gateway/proxy";

/** /gateway/{provider}/{path…} — the LLM gateway (virtual key in, real key out). See docs/gateway.md. */
async function handle(req: Request, { params }: { params: Promise<{ provider: string }> }): Promise<Response> {
  return proxyGatewayRequest(req, (await params).provider);
}

export const dynamic = "force-dynamic";
// Vercel: a streamed answer may run this long (s; 300 is every plan's ceiling, Pro can set
// up to 800). Answers stream unbuffered there as everywhere. See docs/deploy.md#vercel.
export const maxDuration = 300;
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
