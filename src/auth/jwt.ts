import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from "jose";
import type { Config } from "../config/config";
import { ApiError } from "../errors/api-error";
import { invalidCredentials } from "./unauthorized";

/** Larger tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

// One key set per URL for the life of the isolate: keys are fetched once, refetched when a
// token names an unknown `kid` (rotation), at most every 30 s (cool-down), and after 10 min.
const keySets = new Map<string, KeySet>();
const secrets = new Map<string, Uint8Array>();

function keySetFor(url: string): KeySet {
  let keySet = keySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
      timeoutDuration: 5_000,
    });
    keySets.set(url, keySet);
  }
  return keySet;
}

function secretFor(secret: string): Uint8Array {
  let key = secrets.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    secrets.set(secret, key);
  }
  return key;
}

/** The key set could not be had: never accept the token, never a 500. */
function keySetUnavailable(cause: unknown): ApiError {
  return new ApiError("unavailable", "The identity provider's signing keys cannot be fetched right now.", {
    cause,
    headers: { "retry-after": "30" },
  });
}

const KEY_SET_FAILURES = new Set(["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"]);

export interface VerifiedToken {
  subject: string;
  claims: JWTPayload;
}

/**
 * Verifies a JWT against the configured algorithms: HS256 with JWT_SECRET, RS256/ES256 with the
 * remote key set. The algorithm is taken from the allow-list, never trusted from the token
 * (`alg: none`, or HS256 signed with a public key, fail here).
 */
export async function verifyJwt(token: string, config: Config): Promise<VerifiedToken> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalidCredentials("The token is too large.");
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (error) {
    throw invalidCredentials("The token is malformed.", error);
  }
  if (!alg || !(config.JWT_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalidCredentials("The token's algorithm is not accepted.");
  }
  const options: JWTVerifyOptions = {
    algorithms: [alg],
    clockTolerance: config.JWT_CLOCK_TOLERANCE_S,
    requiredClaims: ["sub", "exp"],
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  try {
    const { payload } =
      alg === "HS256"
        ? await jwtVerify(token, secretFor(requireSetting(config.JWT_SECRET)), options)
        : await jwtVerify(token, keySetFor(requireSetting(config.JWT_JWKS_URL)), options);
    if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 255) {
      throw invalidCredentials("The token has no usable subject.");
    }
    return { subject: payload.sub, claims: payload };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JOSEError) {
      if (alg !== "HS256" && KEY_SET_FAILURES.has(error.code)) throw keySetUnavailable(error);
      throw invalidCredentials(
        error instanceof errors.JWTExpired ? "The token has expired." : "The token is not valid.",
        error,
      );
    }
    // Anything else comes from fetching the key set (network failure, DNS, TLS).
    if (alg !== "HS256") throw keySetUnavailable(error);
    throw error;
  }
}

function requireSetting(value: string | undefined): string {
  // The algorithm is allowed but its key material is not configured: the token cannot be valid.
  if (!value) throw invalidCredentials("The token's algorithm is not accepted.");
  return value;
}
