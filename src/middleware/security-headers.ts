import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { setResponseHeaders } from "../http/response-headers";

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

const COMMON: [string, string][] = [
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"],
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"],
];
const HTML_HEADERS: [string, string][] = [["Content-Security-Policy", DOCS_CSP], ...COMMON];
const API_HEADERS: [string, string][] = [["Content-Security-Policy", API_CSP], ...COMMON];
// JSON answers are not cached unless the route says how (Cache-Control of its own).
const API_HEADERS_NO_STORE: [string, string][] = [...API_HEADERS, ["Cache-Control", "no-store"]];

export function securityHeaders() {
  return createMiddleware<AppEnv>(async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    if (headers.get("content-type")?.startsWith("text/html")) setResponseHeaders(c, HTML_HEADERS);
    else setResponseHeaders(c, headers.has("cache-control") ? API_HEADERS : API_HEADERS_NO_STORE);
  });
}
