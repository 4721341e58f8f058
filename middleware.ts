import { NextResponse, type NextRequest } from "next/server";
import { resolvePrincipal } from "@/lib/auth/principal";
import { getConfig } from "@/lib/config";
import { isPublicPath, isSameOrigin } from "@/lib/http/request-policy";

/**
 * The door. Resolves the principal with the same function the data-access layer uses,
 * and stops a request early: 401/403 JSON for `/api/`, the login page, Cloudflare notice or
 * access-denied page for browsers. Pages and handlers check again (lib/auth/dal.ts).
 * `/gateway/…` is outside the matcher: it authenticates by virtual key.
 */
export async function middleware(req: NextRequest): Promise<NextResponse> {
  const { pathname } = req.nextUrl;
  const isApi = pathname.startsWith("/api/");

  // Cookie-authenticated writes from another site are refused (CSRF); server actions
  // get the same check from Next.js itself.
  if (!isSameOrigin(req.method, req.headers)) {
    return deny(isApi, 403, "cross_origin", "Cross-site request refused: the Origin header does not match this host");
  }
  if (isPublicPath(pathname)) return NextResponse.next();

  const resolution = await resolvePrincipal(req);
  if (resolution.ok) return NextResponse.next();

  if (isApi) return deny(true, resolution.status, resolution.code, resolution.message);
  if (resolution.status === 401 && !getConfig().cfAccess) {
    const login = new URL("/login", req.url);
    if (pathname !== "/") login.searchParams.set("next", pathname + req.nextUrl.search);
    return NextResponse.redirect(login);
  }
  const page = resolution.status === 403 ? "/access/denied" : resolution.status === 503 ? "/access/unavailable" : "/access/required";
  return NextResponse.rewrite(new URL(page, req.url), { status: resolution.status });
}

function deny(json: boolean, status: number, code: string, message: string): NextResponse {
  if (json) return NextResponse.json({ error: { code, message } }, { status });
  return new NextResponse(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const config = {
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|gateway/|gateway$).*)"],
};
