import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { companiesHouseClient } from "../companies-house/client";
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
    const rateLimiter = durableObjectRateLimiter(c.env.RATE_LIMITER, RATE_LIMIT_PLANS);
    c.set("rateLimiter", rateLimiter);
    const { COMPANIES_HOUSE_API_KEY, COMPANIES_HOUSE_API_URL } = c.get("config");
    c.set(
      "companiesHouse",
      COMPANIES_HOUSE_API_KEY
        ? companiesHouseClient({
            baseUrl: COMPANIES_HOUSE_API_URL.replace(/\/$/, ""),
            apiKey: COMPANIES_HOUSE_API_KEY,
            limiter: rateLimiter,
          })
        : null,
    );
    await next();
  });
}
