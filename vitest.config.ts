import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import {
  TEST_CORS_ORIGIN,
  TEST_DATABASE_ASSERTION_KEY,
  TEST_EXPORT_SIGNING_SECRET,
  TEST_JWT_AUDIENCE,
  TEST_JWT_ISSUER,
  TEST_JWT_SECRET,
  TEST_OPERATOR_JWT_ISSUER,
  TEST_STRIPE_WEBHOOK_SECRET,
  TEST_WEBHOOK_SECRETS_KEY,
} from "./test/worker/constants.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // Infrastructure that runs on Node: the local Neon server, scripts, config files.
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts", "neon-local/test/**/*.test.ts", "bench/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The Worker itself, inside workerd with its real bindings (DO, queues, crons).
        // The same "zod" as the deployed bundle (wrangler.toml [alias]; src/zod/index.ts).
        resolve: {
          alias: [{ find: /^zod$/, replacement: fileURLToPath(new URL("./src/zod/index.ts", import.meta.url)) }],
        },
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ENVIRONMENT: "test",
                LOG_LEVEL: "warn",
                DATABASE_URL: inject("databaseUrl"),
                MAINTENANCE_DATABASE_URL: inject("databaseUrl").replace("app_api", "app_maintenance"),
                DATABASE_ASSERTION_KEY: TEST_DATABASE_ASSERTION_KEY,
                OPERATOR_JWT_ISSUER: TEST_OPERATOR_JWT_ISSUER,
                // Security-event tests flush the sink themselves (runDurableObjectAlarm).
                SECURITY_EVENTS_FLUSH_MS: "300000",
                COMPANIES_HOUSE_API_URL: inject("companiesHouseUrl"),
                COMPANIES_HOUSE_API_KEY: "fake-companies-house-key",
                STRIPE_API_URL: inject("stripeUrl"),
                STRIPE_SECRET_KEY: "sk_test_fake_detecktiv",
                STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET,
                STRIPE_PRICE_PLANS: JSON.stringify({
                  price_pro_monthly: "pro",
                  price_enterprise_monthly: "enterprise",
                }),
                // Generous, so the rest of the suite never meets a limit; rate-limit tests set their own.
                RATE_LIMIT_PLANS: JSON.stringify({
                  free: { per_minute: 600000, burst: 100000 },
                  pro: { per_minute: 600000, burst: 100000 },
                  enterprise: { per_minute: 600000, burst: 100000 },
                  anonymous: { per_minute: 600000, burst: 100000 },
                  // Every import now makes 4-6 Companies House requests (one shared key for the suite).
                  companies_house: { per_minute: 600000, burst: 100000 },
                }),
                NEON_FETCH_ENDPOINT: inject("neonEndpoint"),
                JWT_SECRET: TEST_JWT_SECRET,
                JWT_JWKS_URL: inject("jwksUrl"),
                JWT_ALGORITHMS: "HS256,RS256,ES256",
                JWT_ISSUER: TEST_JWT_ISSUER,
                JWT_AUDIENCE: TEST_JWT_AUDIENCE,
                CORS_ORIGINS: TEST_CORS_ORIGIN,
                MAX_BODY_BYTES: "16384",
                // Fake websites live on 127.0.0.1; short delays and timeouts keep the suite fast.
                SCRAPE_ALLOW_PRIVATE_NETWORKS: "true",
                SCRAPE_MIN_HOST_DELAY_MS: "50",
                SCRAPE_TIMEOUT_MS: "1500",
                SCRAPE_MAX_BYTES: "262144",
                WEBHOOK_SECRETS_KEY: TEST_WEBHOOK_SECRETS_KEY,
                // The local receivers answer at once; the timeout test waits this long.
                WEBHOOK_TIMEOUT_MS: "1000",
                EXPORT_SIGNING_SECRET: TEST_EXPORT_SIGNING_SECRET,
              },
              // Also in wrangler.toml; named here so the suite's R2 bucket never depends on it.
              r2Buckets: ["EXPORTS_BUCKET"],
            },
          })),
        ],
        test: {
          name: "workers",
          // One runtime for all files: startup and transform dominate otherwise. Tests create
          // their own tenants, users and limiter instances, so nothing leaks between files.
          isolate: false,
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/worker/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
