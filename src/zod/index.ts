/**
 * What the Worker's bundle gets for `import ... from "zod"` (wrangler.toml `[alias]`): zod's own
 * entry point without its 50 translations of error messages (`z.locales`, `z.core.locales`).
 *
 * Why: zod's entry exports `z` as a namespace object, and @hono/zod-openapi hands that object to
 * extendZodWithOpenApi and re-exports it, so esbuild must keep every export of the namespace,
 * locales included: 364 KiB of the 1.7 MiB bundle. English messages stay (classic/schemas.js
 * installs them itself); nothing here selects another locale. Tests and tools that do not bundle
 * through wrangler import zod itself; test/node/zod-bundle.test.ts checks that this entry exports
 * everything zod's does except the locales.
 */
import * as z from "./classic";

export * from "./classic";
export { z, z as default };
