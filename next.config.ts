import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Gateway answers (SSE) must stream unbuffered; a reverse proxy or Cloudflare compresses.
  compress: false,
  poweredByHeader: false,
  // Native and WASM packages are loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  experimental: {
    // unauthorized() / forbidden() render app/unauthorized.tsx (401) and app/forbidden.tsx (403).
    authInterrupts: true,
  },
  typescript: { ignoreBuildErrors: false },
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;
