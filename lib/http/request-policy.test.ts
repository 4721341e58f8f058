import { describe, expect, it } from "vitest";
import { clientAddress, isPublicPath, isSameOrigin, publicOrigin, safeRedirectPath } from "./request-policy";

describe("request policy", () => {
  it.each([
    ["/users", "/users"],
    ["/providers/abc?tab=1#x", "/providers/abc?tab=1#x"],
    ["//evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/\n/x", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [undefined, "/"],
    // issue 13 #1: normalisation turns these into `//evil.example`; the check runs after it.
    ["/..//evil.example", "/"],
    ["/../..//evil.example/path?q=1", "/"],
    ["/%2e%2e//evil.example", "/"],
    ["/./..//evil.example", "/"],
    ["/a/../b", "/b"],
  ])("sends %j after sign-in to %j", (next, expected) => {
    expect(safeRedirectPath(next)).toBe(expected);
  });

  it("never answers a path a browser would read as another host, whatever the input", () => {
    for (const next of ["/..//x", "/.//x", "/%2e//x", "/%2E%2E//x", "/..\\x", "/../\\x", "/..//\\x", "//x", "/x/../..//y"]) {
      const out = safeRedirectPath(next);
      expect(out.startsWith("/") && !out.startsWith("//") && !out.startsWith("/\\"), `${next} → ${out}`).toBe(true);
      expect(new URL(out, "https://gatehouse.example").origin).toBe("https://gatehouse.example");
    }
  });

  it("refuses cross-site writes by Origin, allows same-site and non-browser ones", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(isSameOrigin("POST", h({ host: "gh.example.com", origin: "https://gh.example.com" }))).toBe(true);
    expect(isSameOrigin("POST", h({ host: "gh.example.com", origin: "https://evil.example" }))).toBe(false);
    expect(isSameOrigin("POST", h({ host: "gh.example.com", origin: "null" }))).toBe(false);
    expect(isSameOrigin("POST", h({ host: "gh.example.com" }))).toBe(true);
    expect(isSameOrigin("GET", h({ host: "gh.example.com", origin: "https://evil.example" }))).toBe(true);
    expect(isSameOrigin("DELETE", h({ host: "127.0.0.1:3000", "x-forwarded-host": "gh.example.com", origin: "https://gh.example.com" }))).toBe(true);
  });

  it("with a public URL, takes writes only from that origin, whatever the Host headers say", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    const configured = "https://gh.example.com";
    expect(isSameOrigin("POST", h({ host: "127.0.0.1:3000", origin: "https://gh.example.com" }), configured)).toBe(true);
    expect(isSameOrigin("POST", h({ host: "evil.example", "x-forwarded-host": "evil.example", origin: "https://evil.example" }), configured)).toBe(false);
    expect(isSameOrigin("POST", h({ host: "gh.example.com", origin: "http://gh.example.com" }), configured)).toBe(false);
    expect(isSameOrigin("POST", h({ host: "127.0.0.1:3000" }), configured)).toBe(true);
  });

  it("knows the public paths, and nothing else is", () => {
    for (const p of ["/login", "/setup", "/api/v1/auth/config", "/access/denied", "/api/health"]) expect(isPublicPath(p), p).toBe(true);
    for (const p of ["/", "/users", "/api/v1/users", "/api/v1/auth/me", "/loginx", "/api/v1/auth/config/x"]) expect(isPublicPath(p), p).toBe(false);
  });

  it("builds redirects on the host the browser used", () => {
    expect(publicOrigin(new Headers({ host: "gh.example.com", "x-forwarded-proto": "https" }), "http://localhost:3000/x")).toBe("https://gh.example.com");
    expect(publicOrigin(new Headers({ host: "bad host/../" }), "http://localhost:3000/x")).toBe("http://localhost:3000");
  });

  it("builds redirects on the public URL when one is set, ignoring forwarded headers", () => {
    const forged = new Headers({ host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" });
    expect(publicOrigin(forged, "http://localhost:3000/x", "https://gh.example.com")).toBe("https://gh.example.com");
  });

  it("reads the client address from Cloudflare, then X-Forwarded-For", () => {
    expect(clientAddress(new Headers({ "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "1.1.1.1" }))).toBe("203.0.113.9");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.2, 10.0.0.1" }))).toBe("198.51.100.2");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
