import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

// JSON responses never need to load anything; the docs page loads its renderer from jsDelivr.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP = [
  "default-src 'none'",
  "script-src https://cdn.jsdelivr.net",
  "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
  "font-src https://cdn.jsdelivr.net https://fonts.gstatic.com data:",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export function securityHeaders() {
  return createMiddleware<AppEnv>(async function securityHeadersMiddleware(c, next) {
    await next();
    const isHtml = c.res.headers.get("content-type")?.startsWith("text/html") ?? false;
    c.header("Content-Security-Policy", isHtml ? DOCS_CSP : API_CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    c.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (!isHtml) c.header("Cache-Control", c.res.headers.get("cache-control") ?? "no-store");
  });
}
