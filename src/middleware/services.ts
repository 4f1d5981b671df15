import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { createDatabaseClient } from "../db/client";
import { durableObjectRateLimiter } from "../rate-limit/rate-limiter";

/** Builds the request's services once; handlers never construct their own clients. */
export function services() {
  return createMiddleware<AppEnv>(async function servicesMiddleware(c, next) {
    const { DATABASE_URL, MAINTENANCE_DATABASE_URL, NEON_FETCH_ENDPOINT, RATE_LIMIT_PLANS } = c.get("config");
    const requestId = c.get("requestId");
    c.set("database", createDatabaseClient({ url: DATABASE_URL, fetchEndpoint: NEON_FETCH_ENDPOINT, requestId }));
    c.set(
      "maintenanceDatabase",
      MAINTENANCE_DATABASE_URL
        ? createDatabaseClient({ url: MAINTENANCE_DATABASE_URL, fetchEndpoint: NEON_FETCH_ENDPOINT, requestId })
        : null,
    );
    c.set("rateLimiter", durableObjectRateLimiter(c.env.RATE_LIMITER, RATE_LIMIT_PLANS));
    await next();
  });
}
