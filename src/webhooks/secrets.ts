/**
 * Endpoint signing secrets. A secret is `whsec_` + base64 of 32 random bytes (Standard Webhooks);
 * the HMAC key is those bytes. At rest it is AES-256-GCM encrypted with WEBHOOK_SECRETS_KEY (a
 * Worker secret, base64 of 32 bytes), with the endpoint's id as additional data, so a ciphertext
 * copied onto another endpoint does not decrypt. The database never sees a secret in clear.
 */
const PREFIX = "whsec_";
const FORMAT = "v1";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function generateSecret(): string {
  return `${PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** The HMAC key a `whsec_` secret stands for. */
export function secretKeyBytes(secret: string): Uint8Array {
  return fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
}

/** Checks the configured key's shape (config validation): base64 of exactly 32 bytes. */
export function isSecretsKey(value: string): boolean {
  try {
    return fromBase64(value).length === 32;
  } catch {
    return false;
  }
}

async function aesKey(secretsKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", fromBase64(secretsKey), "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function sealSecret(secret: string, endpointId: string, secretsKey: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(endpointId) },
    await aesKey(secretsKey),
    new TextEncoder().encode(secret),
  );
  return `${FORMAT}:${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
}

export async function openSecret(sealed: string, endpointId: string, secretsKey: string): Promise<string> {
  const [format, iv, data] = sealed.split(":");
  if (format !== FORMAT || !iv || !data) throw new Error("unknown sealed secret format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(endpointId) },
    await aesKey(secretsKey),
    fromBase64(data),
  );
  return new TextDecoder().decode(plain);
}
