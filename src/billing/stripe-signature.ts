/**
 * Verifies a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=<hex>…]`) over the raw body: the
 * signed payload is `<t>.<body>`, HMAC-SHA256 with the endpoint secret. Any of the v1 signatures
 * may match (Stripe sends one per active secret while a secret is being rolled); the timestamp must
 * be within `toleranceS` of now, so a captured delivery cannot be replayed later.
 */
export type SignatureFailure = "malformed" | "stale" | "mismatch";

export class StripeSignatureError extends Error {
  constructor(readonly reason: SignatureFailure) {
    super(`Stripe signature ${reason}`);
    this.name = "StripeSignatureError";
  }
}

const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export async function verifyStripeSignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  toleranceS: number,
  nowS = Math.floor(Date.now() / 1000),
): Promise<void> {
  if (!header) throw new StripeSignatureError("malformed");
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const [key, value = ""] = part.trim().split("=", 2);
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === "v1") {
      const bytes = hexToBytes(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (timestamp === undefined || signatures.length === 0) throw new StripeSignatureError("malformed");
  if (Math.abs(nowS - timestamp) > toleranceS) throw new StripeSignatureError("stale");
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const payload = encoder.encode(`${timestamp}.${rawBody}`);
  // crypto.subtle.verify compares in constant time.
  for (const signature of signatures) {
    if (await crypto.subtle.verify("HMAC", key, signature, payload)) return;
  }
  throw new StripeSignatureError("mismatch");
}
