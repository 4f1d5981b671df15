import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { createDatabaseClient } from "../db/client";

/** Builds the request's database clients once; handlers never construct their own. */
export function database() {
  return createMiddleware<AppEnv>(async function databaseMiddleware(c, next) {
    const { DATABASE_URL, NEON_FETCH_ENDPOINT } = c.get("config");
    c.set(
      "database",
      createDatabaseClient({ url: DATABASE_URL, fetchEndpoint: NEON_FETCH_ENDPOINT, requestId: c.get("requestId") }),
    );
    await next();
  });
}
