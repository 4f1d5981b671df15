import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { companiesHouseClient } from "../companies-house/client";
import { createApiDatabaseClient, createDatabaseClient } from "../db/client";
import { sharedDeadline } from "../db/deadline";
import { durableObjectRateLimiter } from "../rate-limit/rate-limiter";

/** Builds the request's services once; handlers never construct their own clients. */
export function services() {
  return createMiddleware<AppEnv>(async function servicesMiddleware(c, next) {
    const {
      DATABASE_URL,
      MAINTENANCE_DATABASE_URL,
      NEON_FETCH_ENDPOINT,
      DATABASE_ASSERTION_KEY,
      DATABASE_TIMEOUT_MS,
      RATE_LIMIT_PLANS,
      RATE_LIMITER_LOCATION_HINT,
    } = c.get("config");
    const requestId = c.get("requestId");
    // One deadline for all of the request's round trips, whichever role they use.
    const connection = { fetchEndpoint: NEON_FETCH_ENDPOINT, requestId, deadline: sharedDeadline(DATABASE_TIMEOUT_MS) };
    c.set(
      "database",
      createApiDatabaseClient({ url: DATABASE_URL, assertionKey: DATABASE_ASSERTION_KEY, ...connection }),
    );
    c.set(
      "maintenanceDatabase",
      MAINTENANCE_DATABASE_URL ? createDatabaseClient({ url: MAINTENANCE_DATABASE_URL, ...connection }) : null,
    );
    const rateLimiter = durableObjectRateLimiter(c.env.RATE_LIMITER, RATE_LIMIT_PLANS, RATE_LIMITER_LOCATION_HINT);
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
