import { Hono } from "hono";
import type { AppEnv } from "../../app-env";

// Scalar's standalone bundle renders the spec; the page itself holds no inline script, so the
// docs CSP can stay strict (see middleware/security-headers.ts).
const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Detecktiv API reference</title>
  </head>
  <body>
    <script id="api-reference" data-url="/openapi.json"></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference@1"></script>
  </body>
</html>`;

export const docs = new Hono<AppEnv>().get("/docs", (c) => c.html(DOCS_HTML));
