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
import { isCompactJws } from "./compact-jws";
import { invalidCredentials } from "./unauthorized";

/** Larger tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

// One key set per URL for the life of the isolate: keys are fetched once, refetched when a
// token names an unknown `kid` (rotation), at most every 30 s (cool-down), and after 10 min.
const keySets = new Map<string, KeySet>();
const secrets = new Map<string, Promise<CryptoKey>>();

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

// Imported once per secret, not per token: jose would import raw bytes on every verification.
function secretFor(secret: string): Promise<CryptoKey> {
  let key = secrets.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    key.catch(() => secrets.delete(secret));
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
 * Tokens this isolate has accepted, per configuration (the config object lives as long as the
 * isolate's env). A client sends the same token with every request, and verifying it again
 * (signature, decoding, claims) was the largest part of our own code on a request. An entry
 * lasts until the token expires (with the clock tolerance), passes JWT_MAX_AGE_S, or
 * VERIFIED_TTL_MS has gone by, whichever is first: the TTL bounds how long a key withdrawn from
 * the JWKS keeps working here to what jose's own key-set cache (10 minutes) already allows, and
 * less. Refused tokens are never kept; at VERIFIED_MAX entries the oldest goes.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1000;
const accepted = new WeakMap<Config, Map<string, { token: VerifiedToken; until: number }>>();

function acceptedFor(config: Config) {
  let tokens = accepted.get(config);
  if (!tokens) {
    tokens = new Map();
    accepted.set(config, tokens);
  }
  return tokens;
}

function remember(config: Config, token: string, verified: VerifiedToken) {
  const { exp, iat } = verified.claims;
  const tolerance = config.JWT_CLOCK_TOLERANCE_S;
  let until = Date.now() + VERIFIED_TTL_MS;
  if (typeof exp === "number") until = Math.min(until, (exp + tolerance) * 1000);
  if (config.JWT_MAX_AGE_S !== undefined && typeof iat === "number") {
    until = Math.min(until, (iat + config.JWT_MAX_AGE_S + tolerance) * 1000);
  }
  const tokens = acceptedFor(config);
  if (tokens.size >= VERIFIED_MAX) tokens.delete(tokens.keys().next().value as string);
  tokens.set(token, { token: verified, until });
}

/**
 * Verifies a JWT against the configured algorithms: HS256 with JWT_SECRET, RS256/ES256 with the
 * remote key set. The algorithm is taken from the allow-list, never trusted from the token
 * (`alg: none`, or HS256 signed with a public key, fail here).
 */
export async function verifyJwt(token: string, config: Config): Promise<VerifiedToken> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalidCredentials("The token is too large.");
  const known = accepted.get(config)?.get(token);
  if (known) {
    if (Date.now() < known.until) return known.token;
    accepted.get(config)?.delete(token);
  }
  if (!isCompactJws(token)) throw invalidCredentials("The token is malformed.");
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
    // With a maximum age jose requires `iat` and refuses one in the future (beyond the tolerance).
    ...(config.JWT_MAX_AGE_S === undefined ? {} : { maxTokenAge: config.JWT_MAX_AGE_S }),
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  try {
    const { payload } =
      alg === "HS256"
        ? await jwtVerify(token, await secretFor(requireSetting(config.JWT_SECRET)), options)
        : await jwtVerify(token, keySetFor(requireSetting(config.JWT_JWKS_URL)), options);
    if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 255) {
      throw invalidCredentials("The token has no usable subject.");
    }
    // jose checks `iat` only with a maximum age. A token "issued" in the future comes from a
    // forged or mis-clocked issuer, and would outlive a maximum age set later.
    if (payload.iat !== undefined && payload.iat > Math.floor(Date.now() / 1000) + config.JWT_CLOCK_TOLERANCE_S) {
      throw invalidCredentials(ISSUED_IN_THE_FUTURE);
    }
    const verified = { subject: payload.sub, claims: payload };
    remember(config, token, verified);
    return verified;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JOSEError) {
      if (alg !== "HS256" && KEY_SET_FAILURES.has(error.code)) throw keySetUnavailable(error);
      throw invalidCredentials(joseErrorDetail(error), error);
    }
    // Anything else comes from fetching the key set (network failure, DNS, TLS).
    if (alg !== "HS256") throw keySetUnavailable(error);
    throw error;
  }
}

const ISSUED_IN_THE_FUTURE = "The token's issue time (iat) is in the future.";

/** What a legitimate client needs to know about a refused token, from jose's error. */
function joseErrorDetail(error: errors.JOSEError): string {
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "iat") {
    if (error.reason === "missing") return "The token has no issue time (iat), which this API requires.";
    if (error.reason === "check_failed") return ISSUED_IN_THE_FUTURE;
  }
  if (error instanceof errors.JWTExpired) {
    return error.claim === "iat" ? "The token is older than this API accepts." : "The token has expired.";
  }
  return "The token is not valid.";
}

function requireSetting(value: string | undefined): string {
  // The algorithm is allowed but its key material is not configured: the token cannot be valid.
  if (!value) throw invalidCredentials("The token's algorithm is not accepted.");
  return value;
}
