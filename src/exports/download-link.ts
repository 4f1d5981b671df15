/**
 * Short-lived download links for export files: `?expires=<unix s>&signature=<hex>` where the
 * signature is HMAC-SHA-256 over `<export id>.<expires>` with a Worker secret. Whoever holds the
 * link may download until it expires (as with S3/R2 presigned URLs), so links are short-lived and
 * each GET of the export gives a fresh one.
 */
const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: "sign" | "verify") {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export async function signDownload(secret: string, exportId: string, expires: number): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(`${exportId}.${expires}`));
  return hex(new Uint8Array(mac));
}

/**
 * True when `signature` is the secret's for this id and expiry and the expiry has not passed.
 * crypto.subtle.verify compares in constant time.
 */
export async function verifyDownload(
  secret: string,
  exportId: string,
  expires: number,
  signature: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  if (!Number.isSafeInteger(expires) || expires < nowSeconds) return false;
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const bytes = new Uint8Array(signature.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? []);
  return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), bytes, encoder.encode(`${exportId}.${expires}`));
}
