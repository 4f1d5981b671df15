import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";

/**
 * The API reference UI, served by the Worker itself so /docs works without the internet:
 * Scalar's standalone bundle from the pinned @scalar/api-reference package (package.json pins it
 * exactly; test/node/docs checks this constant against it), uploaded as a Workers static asset
 * (`[assets]` in wrangler.toml) and reachable only through this route. Its URL carries the
 * version, so browsers may keep it for a year.
 */
export const SCALAR_VERSION = "1.76.0";
export const SCALAR_SCRIPT_PATH = `/docs/scalar-api-reference-${SCALAR_VERSION}.js`;
const INIT_SCRIPT_PATH = "/docs/init.js";

// No inline script, so the docs CSP needs no 'unsafe-inline' for scripts
// (see middleware/security-headers.ts).
const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Detecktiv API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <!-- Not "api-reference": the bundle would mount itself there with its defaults (web fonts). -->
    <div id="reference"></div>
    <script src="${SCALAR_SCRIPT_PATH}"></script>
    <script src="${INIT_SCRIPT_PATH}"></script>
  </body>
</html>`;

// Everything that would reach a third party is off (Scalar's web fonts, telemetry, AI agent, MCP)
// and no request proxy is set: "try it" calls the document's first server, this deployment.
const INIT_JS = `Scalar.createApiReference("#reference", ${JSON.stringify({
  sources: [{ url: "/openapi.json", slug: "detecktiv", default: true }],
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  persistAuth: false,
})});\n`;

const IMMUTABLE = "public, max-age=31536000, immutable";

export const docs = new Hono<AppEnv>()
  .get("/docs", (c) => c.html(DOCS_HTML))
  .get(INIT_SCRIPT_PATH, (c) =>
    c.body(INIT_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  )
  .get(SCALAR_SCRIPT_PATH, async (c) => {
    const asset = await c.env.ASSETS.fetch(new URL("/standalone.js", c.req.url));
    if (!asset.ok) throw new ApiError("unavailable", "The API reference UI is not deployed with this Worker.");
    return new Response(asset.body, {
      headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": IMMUTABLE },
    });
  });
