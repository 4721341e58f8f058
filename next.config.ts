import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Gateway answers (SSE) must stream unbuffered; a reverse proxy or Cloudflare compresses.
  // A deploy needs only .next/standalone (+ static files, copied by scripts/package-standalone); see docs/deploy.md.
  output: "standalone",
  compress: false,
  poweredByHeader: false,
  // Native and WASM packages are loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  experimental: {
    // unauthorized() / forbidden() render app/unauthorized.tsx (401) and app/forbidden.tsx (403).
    authInterrupts: true,
  },
  // Pages and the API must not be framed or sniffed. The gateway sets its own, stricter
  // headers on upstream answers (lib/gateway/core.ts).
  async headers() {
    return [
      {
        source: "/((?!gateway/).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
  typescript: { ignoreBuildErrors: false },
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;
