import { type SQL, sql } from "drizzle-orm";
import { sha256Hex } from "../crypto/sha256";

/**
 * What the Worker vouches for in a round trip. Postgres' app.begin_request verifies the signature
 * with its copy of DATABASE_ASSERTION_KEY (readable only by app_auth) before it trusts any field,
 * so a session of the API's role without the Worker's key cannot act as anyone.
 */
export type AssertionClaims = (
  | {
      kind: "request";
      tenant_id: string | null;
      subject: string | null;
      email: string | null;
      name: string | null;
      key_hash: string | null;
      role: string | null;
      scope: string | null;
      read_only: boolean;
      request_id: string;
      /** The module the route belongs to (its `x-module`): app.refuse_disabled_module checks the tenant has it. */
      module?: string;
      /** An identity provider's organisation the token names (issue 15): app.external_tenant resolves it. */
      org_issuer?: string;
      org_id?: string;
      org_role?: string | null;
    }
  /** The Worker's own background work (the queue consumer): no user, no tenant until a job says so. */
  | { kind: "worker"; request_id: string }
  /**
   * A platform operator (app.begin_operator_request): an operator key's hash, or the subject of a
   * JWT the edge verified against the operator issuer with the platform-role claim.
   */
  | {
      kind: "operator";
      key_hash: string | null;
      subject: string | null;
      name: string | null;
      read_only: boolean;
      request_id: string;
    }
) & {
  /** Applied as the transaction's statement_timeout (the Worker's database deadline). */
  statement_timeout_ms?: number;
};

export interface SignedAssertion {
  kid: string;
  assertion: string;
  signature: string;
}

export interface RequestSigner {
  sign(claims: AssertionClaims): Promise<SignedAssertion>;
  /**
   * `select * from app.begin_request(...)` for these claims, tagged with the request id; for an
   * operator's claims, app.begin_operator_request (a function of its own, so begin_request stays
   * the tenants' path).
   */
  beginRequest(claims: AssertionClaims, tag: SQL): Promise<SQL>;
}

interface SigningKey {
  kid: string;
  // Spelled this way so the module type-checks for Node scripts too (no global CryptoKey there).
  key: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
}

const encoder = new TextEncoder();

/** The key id both sides derive: the first 16 hex digits of the key's SHA-256. */
export async function assertionKeyId(secret: string): Promise<string> {
  return (await sha256Hex(secret)).slice(0, 16);
}

async function importKey(secret: string): Promise<SigningKey> {
  const [kid, key] = await Promise.all([
    assertionKeyId(secret),
    crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
  ]);
  return { kid, key };
}

const toBase64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

// Imported once per isolate and secret, not per request.
const keys = new Map<string, Promise<SigningKey>>();

/** `now` is the clock the assertion's iat comes from (tests give a wrong one). */
export function requestSigner(secret: string, now: () => number = Date.now): RequestSigner {
  let signingKey = keys.get(secret);
  if (!signingKey) {
    signingKey = importKey(secret);
    signingKey.catch(() => keys.delete(secret));
    keys.set(secret, signingKey);
  }
  const ready = signingKey;
  const sign = async (claims: AssertionClaims): Promise<SignedAssertion> => {
    const { kid, key } = await ready;
    // iat in seconds: begin_request refuses assertions older than a minute.
    const assertion = JSON.stringify({ ...claims, iat: Math.floor(now() / 1000) });
    const signature = toBase64(await crypto.subtle.sign("HMAC", key, encoder.encode(assertion)));
    return { kid, assertion, signature };
  };
  return {
    sign,
    async beginRequest(claims, tag) {
      const { kid, assertion, signature } = await sign(claims);
      return claims.kind === "operator"
        ? sql`${tag}select * from app.begin_operator_request(${kid}, ${assertion}, ${signature})`
        : sql`${tag}select * from app.begin_request(${kid}, ${assertion}, ${signature})`;
    },
  };
}
