import type { Context } from "hono";
import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../config/config";
import { setResponseHeaders } from "../http/response-headers";

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

const EXPOSE: [string, string] = ["Access-Control-Expose-Headers", EXPOSE_HEADERS.join(",")];
const VARY_ORIGIN: [string, string][] = [["Vary", "Origin"]];

/**
 * CORS for the origins in CORS_ORIGINS only. An origin not on the list gets no
 * Access-Control-Allow-Origin header, so browsers refuse to hand it the response.
 * Credentials stay off: clients send bearer tokens, not cookies.
 *
 * Preflights (OPTIONS) are hono/cors's, built once. Every other request gets the same headers
 * hono/cors would give it, set on the finished response in place: hono/cors writes them to
 * `c.res` before the handler runs, so Hono copies the handler's Response to carry them over, and
 * copies it again for the `Vary` it adds afterwards.
 */
export function cors() {
  const isAllowed = (origin: string, c: Context) => (c.get("config") as Config).CORS_ORIGINS.includes(origin);
  const preflight = honoCors({
    origin: (origin, c) => (isAllowed(origin, c) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  return createMiddleware<AppEnv>(async function corsMiddleware(c, next) {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    await next();
    const origin = c.req.header("origin");
    setResponseHeaders(
      c,
      origin && isAllowed(origin, c) ? [["Access-Control-Allow-Origin", origin], EXPOSE] : [EXPOSE],
    );
    setResponseHeaders(c, VARY_ORIGIN, { append: true });
  });
}
