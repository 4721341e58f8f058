import { proxyGatewayRequest } from "@/lib/gateway/proxy";

/** /gateway/{provider}/{path…} — the LLM gateway (virtual key in, real key out). See docs/gateway.md. */
async function handle(req: Request, { params }: { params: Promise<{ provider: string }> }): Promise<Response> {
  return proxyGatewayRequest(req, (await params).provider);
}

export const dynamic = "force-dynamic";
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
