import { gatewayFetch } from "@/lib/gateway/mount-fetch";

/** /gateway/{provider}/{path…} — the LLM gateway (virtual key in, real key out). See docs/gateway.md. */
function handle(req: Request): Promise<Response> {
  return gatewayFetch(req);
}

export const dynamic = "force-dynamic";
// Vercel: a streamed answer may run this long (s; 300 is every plan's ceiling, Pro can set
// up to 800). Answers stream unbuffered there as everywhere. See docs/deploy.md#vercel.
export const maxDuration = 300;
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
