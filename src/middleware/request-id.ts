import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { setResponseHeaders } from "../http/response-headers";

export const REQUEST_ID_HEADER = "X-Request-Id";

// Incoming ids are echoed only when they are short and plain: they end up in logs and in the
// SQL comment that tags each database round trip, so nothing that could break out is accepted.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Echoes a well-formed `X-Request-Id` or generates one, and returns it on every response. */
export function requestId() {
  return createMiddleware<AppEnv>(async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    setResponseHeaders(c, [[REQUEST_ID_HEADER, id]]);
  });
}
