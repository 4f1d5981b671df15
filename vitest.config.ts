import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_CORS_ORIGIN, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from "./test/worker/constants.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // Infrastructure that runs on Node: the local Neon server, scripts, config files.
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The Worker itself, inside workerd with its real bindings (DO, queues, crons).
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ENVIRONMENT: "test",
                LOG_LEVEL: "warn",
                DATABASE_URL: inject("databaseUrl"),
                NEON_FETCH_ENDPOINT: inject("neonEndpoint"),
                JWT_SECRET: TEST_JWT_SECRET,
                JWT_JWKS_URL: inject("jwksUrl"),
                JWT_ALGORITHMS: "HS256,RS256,ES256",
                JWT_ISSUER: TEST_JWT_ISSUER,
                JWT_AUDIENCE: TEST_JWT_AUDIENCE,
                CORS_ORIGINS: TEST_CORS_ORIGIN,
                MAX_BODY_BYTES: "16384",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/worker/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
