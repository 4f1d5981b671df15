import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { invalidCredentials } from "../auth/unauthorized";
import { ApiError } from "../errors/api-error";

/** Constant-time comparison of two secrets (via their SHA-256, so lengths do not leak). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (value: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}

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
