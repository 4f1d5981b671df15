import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { createLogger } from "../observability/logger";

/**
 * Puts a request-scoped logger on the context and writes one access-log line per request.
 * The query string is left out: filters may carry personal data such as an email address.
 */
export function accessLog() {
  return createMiddleware<AppEnv>(async function accessLogMiddleware(c, next) {
    const started = performance.now();
    const level =
      c.env.LOG_LEVEL === "debug" || c.env.LOG_LEVEL === "warn" || c.env.LOG_LEVEL === "error"
        ? c.env.LOG_LEVEL
        : "info";
    const logger = createLogger({ request_id: c.get("requestId") }, level);
    c.set("logger", logger);
    await next();
    const status = c.res.status;
    const fields = {
      method: c.req.method,
      path: c.req.path,
      route: c.req.routePath,
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(c.get("tenantId") ? { tenant_id: c.get("tenantId") } : {}),
    };
    if (status >= 500) logger.error("request", fields);
    else logger.info("request", fields);
  });
}
