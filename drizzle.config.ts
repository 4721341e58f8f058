import { defineConfig } from "drizzle-kit";

// Migrations are generated from lib/db/schema.ts with `npm run db:generate`
// and applied at start-up by lib/db/client.ts. Never edit one after it lands.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
  strict: true,
});
