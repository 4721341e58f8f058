import { NextResponse, type NextRequest } from "next/server";
import { resolvePrincipal } from "@/lib/auth/principal";
import { getConfig } from "@/lib/config";
import { checkActionRequest, refusalResponse } from "@/lib/http/action-gate";
import { knownActionIds } from "@/lib/http/action-ids";
import { MAX_JSON_BYTES, refuseByContentLength } from "@/lib/http/api";
import { isPublicPath, isSameOrigin, publicOrigin } from "@/lib/http/request-policy";

/**
 * The door. Resolves the principal with the same function the data-access layer uses,
 * and stops a request early: 401/403 JSON for `/api/`, a redirect to the login page in
 * built-in mode. Pages and handlers check again (lib/auth/dal.ts); in Cloudflare Access mode
 * that second check renders the notice pages.
 * Before any of that, bodies are refused by size (413, by Content-Length, before anything
 * waits on the database) and server-action requests are checked against React's encoding
 * (lib/http/action-gate.ts), so neither reaches a framework error page as a 500.
 * `/gateway/…` is outside the matcher: it authenticates by virtual key.
 */
export async function middleware(req: NextRequest): Promise<NextResponse> {
  const { pathname } = req.nextUrl;
  const isApi = pathname.startsWith("/api/");

  // Cookie-authenticated writes from another site are refused (CSRF); server actions
  // get the same check from Next.js itself.
  const configuredOrigin = getConfig().publicOrigin;
  if (!isSameOrigin(req.method, req.headers, configuredOrigin)) {
    return deny(isApi, 403, "cross_origin", "Cross-site request refused: the Origin header does not match this host");
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    const tooLarge = refuseByContentLength(req.headers, MAX_JSON_BYTES);
    if (tooLarge) return tooLarge as NextResponse;
    if (req.method === "POST" && !isApi) {
      const refused = await checkActionRequest(req, knownActionIds());
      if (refused) return refusalResponse(refused) as NextResponse;
    }
  }
  if (isPublicPath(pathname)) return NextResponse.next();

  const resolution = await resolvePrincipal(req);
  if (resolution.ok) return NextResponse.next();

  if (isApi) return deny(true, resolution.status, resolution.code, resolution.message);
  if (resolution.status === 401 && !getConfig().cfAccess) {
    // Built on GATEHOUSE_PUBLIC_URL, else the host the browser used: req.url carries the
    // server's own hostname (often localhost), which is wrong behind a proxy or tunnel.
    const login = new URL("/login", publicOrigin(req.headers, req.url, configuredOrigin));
    if (pathname !== "/") login.searchParams.set("next", pathname + req.nextUrl.search);
    return NextResponse.redirect(login);
  }
  // Cloudflare Access pages: the page's own data-access check renders the Cloudflare notice
  // (401) or the access-denied page (403) through unauthorized()/forbidden(), which set the
  // status natively. A middleware rewrite would not: Next.js builds req.url with its own
  // hostname, and a rewrite to another host is proxied as external and answered 200.
  return NextResponse.next();
}

function deny(json: boolean, status: number, code: string, message: string): NextResponse {
  if (json) return NextResponse.json({ error: { code, message } }, { status });
  return new NextResponse(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const config = {
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|gateway/|gateway$).*)"],
};
