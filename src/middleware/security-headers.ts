import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

// JSON responses never need to load anything. The docs page loads only from its own origin: the
// pinned reference UI and the document; the UI sets inline styles and data: images and fonts.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
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
