import { SignJWT } from "jose";

export interface DevTokenOptions {
  secret: string;
  subject: string;
  tenantId?: string | undefined;
  tenantClaim?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  ttlSeconds?: number;
}

/** An HS256 token shaped like the ones the API accepts in development. */
export async function mintDevToken(options: DevTokenOptions): Promise<string> {
  const claims: Record<string, string | boolean> = {};
  if (options.tenantId) claims[options.tenantClaim ?? "tenant_id"] = options.tenantId;
  if (options.email) {
    claims.email = options.email;
    claims.email_verified = true;
  }
  if (options.name) claims.name = options.name;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.subject)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 12 * 3600}s`);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
