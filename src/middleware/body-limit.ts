import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";

/**
 * Refuses request bodies over MAX_BODY_BYTES (POST /v1/imports: IMPORT_MAX_BODY_BYTES), whether or
 * not Content-Length is sent.
 */
export function bodyLimit() {
  return createMiddleware<AppEnv>(async function bodyLimitMiddleware(c, next) {
    const config = c.get("config");
    const maxSize = c.req.path === "/v1/imports" ? config.IMPORT_MAX_BODY_BYTES : config.MAX_BODY_BYTES;
    return honoBodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload_too_large", `The request body exceeds ${maxSize} bytes.`);
      },
    })(c, next);
  });
}
