import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../config/config";

/** Validates the environment at the edge of every request (parsed once per isolate). */
export function config() {
  return createMiddleware<AppEnv>(async function configMiddleware(c, next) {
    c.set("config", loadConfig(c.env));
    await next();
  });
}
