import { defineConfig } from "drizzle-kit";

// Used only to generate migrations (`npm run db:generate`); they are applied by scripts/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
  entities: { roles: { provider: "neon" } },
});
