import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { invalidCredentials } from "../auth/unauthorized";
import { sameSecret } from "../crypto/sha256";
import { ApiError } from "../errors/api-error";

/** The operator API exists only when OPERATOR_TOKEN is set, and only for its bearer. */
export function operatorAuth() {
  return createMiddleware<AppEnv>(async function operatorAuthMiddleware(c, next) {
    const expected = c.get("config").OPERATOR_TOKEN;
    if (!expected) throw new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`);
    const presented = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!presented || !(await sameSecret(presented, expected))) throw invalidCredentials();
    await next();
  });
}
