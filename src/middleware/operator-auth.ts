import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { verifyJwt } from "../auth/jwt";
import { hashOperatorKey, isWellFormedOperatorKey, looksLikeOperatorKey } from "../auth/operator-keys";
import { invalidCredentials, missingCredentials } from "../auth/unauthorized";
import type { Config } from "../config/config";
import { createOperatorDatabase, type OperatorPrincipal } from "../db/operator-database";
import { ApiError } from "../errors/api-error";
import { charge, clientAddress } from "./rate-limit";

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

// One derived configuration per isolate config: verifyJwt's cache of accepted tokens is kept per
// configuration object, so a token accepted for tenants is never taken as an operator's.
const operatorConfigs = new WeakMap<Config, Config>();

function operatorJwtConfig(config: Config): Config {
  let derived = operatorConfigs.get(config);
  if (!derived) {
    derived = {
      ...config,
      JWT_ISSUER: config.OPERATOR_JWT_ISSUER,
      JWT_AUDIENCE: config.OPERATOR_JWT_AUDIENCE ?? config.JWT_AUDIENCE,
      JWT_JWKS_URL: config.OPERATOR_JWT_JWKS_URL ?? config.JWT_JWKS_URL,
    };
    operatorConfigs.set(config, derived);
  }
  return derived;
}

const hasRole = (claim: unknown, role: string) => claim === role || (Array.isArray(claim) && claim.includes(role));

/**
 * Operators authenticate as themselves: an operator key (`Bearer dop_…`, hashed here, checked by
 * app.begin_operator_request in the route's one round trip), or, when OPERATOR_JWT_ISSUER is set,
 * a JWT of that issuer whose OPERATOR_JWT_ROLE_CLAIM holds OPERATOR_JWT_ROLE. Refusals draw on
 * the client address's anonymous budget, like the tenant API's.
 */
export function operatorAuth(options: { readOnly: boolean }) {
  return createMiddleware<AppEnv>(async function operatorAuthMiddleware(c, next) {
    const refuse = async (error: ApiError): Promise<never> => {
      await charge(c, { kind: "anonymous", address: clientAddress(c) }, 1);
      throw error;
    };
    const authorization = c.req.header("authorization");
    if (authorization === undefined) return refuse(missingCredentials());
    const credential = BEARER.exec(authorization)?.[1];
    if (!credential) return refuse(invalidCredentials("Use the Bearer authorization scheme."));

    const config = c.get("config");
    let principal: OperatorPrincipal;
    if (looksLikeOperatorKey(credential)) {
      if (!isWellFormedOperatorKey(credential)) return refuse(invalidCredentials());
      principal = { kind: "operator_key", keyHash: await hashOperatorKey(credential) };
    } else if (config.OPERATOR_JWT_ISSUER) {
      const operatorConfig = operatorJwtConfig(config);
      const verified = await verifyJwt(credential, operatorConfig).catch((error: unknown) =>
        error instanceof ApiError && error.code === "unauthorized" ? refuse(error) : Promise.reject(error),
      );
      // Checked here too: the issuer is what makes an operator token, whatever else verified it.
      if (verified.claims.iss !== config.OPERATOR_JWT_ISSUER) return refuse(invalidCredentials());
      if (!hasRole(verified.claims[config.OPERATOR_JWT_ROLE_CLAIM], config.OPERATOR_JWT_ROLE)) {
        return refuse(invalidCredentials("The token does not carry the platform operator role."));
      }
      const name = typeof verified.claims.name === "string" ? verified.claims.name.slice(0, 200) : null;
      principal = { kind: "operator_jwt", subject: verified.subject, name };
    } else {
      return refuse(invalidCredentials("Use an operator key."));
    }
    c.set(
      "operator",
      createOperatorDatabase(c.get("database"), {
        principal,
        readOnly: options.readOnly,
        requestId: c.get("requestId"),
      }),
    );
    await next();
  });
}
