import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

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
 * Credentials stay off: clients send bearer tokens, not cookies.
 */
export function cors() {
  return createMiddleware<AppEnv>(async function corsMiddleware(c, next) {
    const allowed = c.get("config").CORS_ORIGINS;
    return honoCors({
      origin: (origin) => (allowed.includes(origin) ? origin : null),
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ALLOW_HEADERS,
      exposeHeaders: EXPOSE_HEADERS,
      maxAge: 600,
    })(c, next);
  });
}
