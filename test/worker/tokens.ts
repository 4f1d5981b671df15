import { importJWK, type JWTPayload, SignJWT } from "jose";
import { inject } from "vitest";
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from "./constants";

export interface TokenOptions {
  tenantId?: string;
  email?: string;
  name?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  notBefore?: number;
  /** Seconds from now (negative: in the past); null for a token without `iat`. Default: now. */
  issuedAt?: number | null;
  issuer?: string;
  audience?: string;
  claims?: JWTPayload;
  secret?: string;
}

/** An HS256 token signed with the Worker's test secret, shaped like a real issuer's. */
export async function hsToken(subject: string | undefined, options: TokenOptions = {}): Promise<string> {
  return sign(new SignJWT(claimsOf(options)).setProtectedHeader({ alg: "HS256", typ: "JWT" }), subject, options).sign(
    new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET),
  );
}

/** A token signed with one of the fake identity provider's keys (published in its JWKS). */
export async function jwksToken(
  subject: string,
  options: TokenOptions & { alg?: "RS256" | "ES256"; kid?: string } = {},
): Promise<string> {
  const key = inject("signingKeys").find((k) => k.alg === (options.alg ?? "RS256"));
  if (!key) throw new Error("no signing key");
  const privateKey = await importJWK(key.privateJwk, key.alg);
  return sign(
    new SignJWT(claimsOf(options)).setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: "JWT" }),
    subject,
    options,
  ).sign(privateKey);
}

function claimsOf(options: TokenOptions): JWTPayload {
  return {
    ...(options.tenantId ? { tenant_id: options.tenantId } : {}),
    ...(options.email ? { email: options.email, email_verified: true } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...options.claims,
  };
}

function sign(jwt: SignJWT, subject: string | undefined, options: TokenOptions): SignJWT {
  const now = Math.floor(Date.now() / 1000);
  let result = jwt
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .setIssuer(options.issuer ?? TEST_JWT_ISSUER)
    .setAudience(options.audience ?? TEST_JWT_AUDIENCE);
  if (options.issuedAt !== null) result = result.setIssuedAt(now + (options.issuedAt ?? 0));
  if (subject !== undefined) result = result.setSubject(subject);
  if (options.notBefore !== undefined) result = result.setNotBefore(now + options.notBefore);
  return result;
}

export const bearer = (token: string, tenantId?: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  ...(tenantId ? { "X-Tenant-Id": tenantId } : {}),
});
