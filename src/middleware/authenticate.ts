import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { hashApiKey, isWellFormedApiKey, looksLikeApiKey } from "../auth/api-keys";
import { verifyJwt } from "../auth/jwt";
import type { Principal } from "../auth/principal";
import { invalidCredentials, missingCredentials } from "../auth/unauthorized";

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

const stringClaim = (value: unknown, max: number): string | null =>
  typeof value === "string" && value.length > 0 && value.length <= max ? value : null;

/**
 * Establishes who is calling, at the edge: a JWT (`Authorization: Bearer <jwt>`) verified with
 * jose, or an API key (`Authorization: Bearer dtk_…` or `X-API-Key`), reduced to its hash.
 * Whether the caller may act for a tenant is decided by Postgres (app.begin_request).
 */
export function authenticate() {
  return createMiddleware<AppEnv>(async function authenticateMiddleware(c, next) {
    const authorization = c.req.header("authorization");
    let credential: string | undefined;
    if (authorization !== undefined) {
      credential = BEARER.exec(authorization)?.[1];
      if (!credential) throw invalidCredentials("Use the Bearer authorization scheme.");
    } else {
      credential = c.req.header("x-api-key")?.trim() || undefined;
    }
    if (!credential) throw missingCredentials();

    let principal: Principal;
    if (looksLikeApiKey(credential)) {
      if (!isWellFormedApiKey(credential)) throw invalidCredentials();
      principal = { kind: "api_key", keyHash: await hashApiKey(credential) };
    } else {
      const config = c.get("config");
      const { subject, claims } = await verifyJwt(credential, config);
      principal = {
        kind: "user",
        subject,
        email: stringClaim(claims.email, 320),
        name: stringClaim(claims.name, 200),
        tenantId: stringClaim(claims[config.JWT_TENANT_CLAIM], 64),
      };
    }
    c.set("principal", principal);
    await next();
  });
}
