import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../config/config";

const ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "If-Match",
  "If-None-Match",
  "X-API-Key",
  "X-Request-Id",
  "X-Tenant-Id",
];
const EXPOSE_HEADERS = ["ETag", "Location", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-Id"];

/**
 * CORS for the origins in CORS_ORIGINS only. An origin not on the list gets no
 * Access-Control-Allow-Origin header, so browsers refuse to hand it the response.
 * Credentials stay off: clients send bearer tokens, not cookies. Built once: the allow-list is
 * read from the request's config, so nothing is assembled per request.
 */
export function cors() {
  const handler = honoCors({
    origin: (origin, c) => ((c.get("config") as Config).CORS_ORIGINS.includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  return createMiddleware<AppEnv>(function corsMiddleware(c, next) {
    return handler(c, next);
  });
}
