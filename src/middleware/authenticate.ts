import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { apiKeyTenant, hashApiKey, looksLikeApiKey } from "../auth/api-keys";
import { verifyJwt } from "../auth/jwt";
import type { Principal } from "../auth/principal";
import { invalidCredentials, missingCredentials } from "../auth/unauthorized";
import { ApiError } from "../errors/api-error";
import { charge, clientAddress } from "./rate-limit";

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RANK = { admin: 3, editor: 2, viewer: 1 } as const;

/**
 * Our role for the identity provider's role claim (a string, as Clerk's `org_role`, or an array,
 * as Auth0 roles): the highest mapped value, or null when nothing maps.
 */
function mappedRole(value: unknown, map: Record<string, "admin" | "editor" | "viewer">) {
  const values = Array.isArray(value) ? value : [value];
  let best: "admin" | "editor" | "viewer" | null = null;
  for (const item of values) {
    const role = typeof item === "string" && Object.hasOwn(map, item) ? map[item] : undefined;
    if (role && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}

const stringClaim = (value: unknown, max: number): string | null =>
  typeof value === "string" && value.length > 0 && value.length <= max ? value : null;

/**
 * Failed or missing credentials draw on the client address's anonymous budget, so guessing
 * keys or tokens is throttled (429 once the budget is spent) before it is refused (401).
 */
async function refuse(c: Context<AppEnv>, error: ApiError): Promise<never> {
  await charge(c, { kind: "anonymous", address: clientAddress(c) }, 1);
  throw error;
}

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
      if (!credential) return refuse(c, invalidCredentials("Use the Bearer authorization scheme."));
    } else {
      credential = c.req.header("x-api-key")?.trim() || undefined;
    }
    if (!credential) return refuse(c, missingCredentials());

    let principal: Principal;
    if (looksLikeApiKey(credential)) {
      const tenantId = apiKeyTenant(credential);
      if (!tenantId) return refuse(c, invalidCredentials());
      principal = { kind: "api_key", keyHash: await hashApiKey(credential), tenantId };
    } else {
      const config = c.get("config");
      const verified = await verifyJwt(credential, config).catch((error: unknown) =>
        error instanceof ApiError && error.code === "unauthorized" ? refuse(c, error) : Promise.reject(error),
      );
      const { subject, claims } = verified;
      const tenantClaim = stringClaim(claims[config.JWT_TENANT_CLAIM], 64);
      const issuer = stringClaim(claims.iss, 255);
      const organization =
        tenantClaim && !UUID.test(tenantClaim) && issuer
          ? { issuer, id: tenantClaim, role: mappedRole(claims[config.JWT_ROLE_CLAIM ?? ""], config.JWT_ROLE_MAP) }
          : undefined;
      principal = {
        kind: "user",
        subject,
        // An unverified address could be anyone's: it must not let an invitation, or an
        // organisation's just-in-time membership, go to whoever claims it.
        email: claims.email_verified === true ? stringClaim(claims.email, 320) : null,
        name: stringClaim(claims.name, 200),
        tenantId: organization ? null : tenantClaim,
        ...(organization ? { organization } : {}),
      };
    }
    c.set("principal", principal);
    await next();
  });
}
