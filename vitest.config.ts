import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit and integration tests of lib/ against a real database: PostgreSQL when
// TEST_DATABASE_URL is set (a fresh database per test file), else embedded PGlite.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      "server-only": path.resolve(__dirname, "lib/testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "e2e/fixtures/**/*.test.ts"],
    globalSetup: ["lib/testing/global-setup.ts"],
    setupFiles: ["lib/testing/database-per-file.ts"],
    pool: "forks",
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
