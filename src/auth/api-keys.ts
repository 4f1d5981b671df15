import { sha256Hex, toHex } from "../crypto/sha256";

export const API_KEY_PREFIX = "dtk_";
// dtk_<tenant id: 16 bytes, base64url>_<secret: 32 bytes, base64url>
const KEY_PATTERN = /^dtk_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{43})$/;

/**
 * A key names its tenant in the clear (so the edge can pick the tenant's rate limiter before any
 * database work) and carries 256 random bits. The tenant part is not trusted on its own: the
 * database accepts the key only if its hash is stored for that same tenant.
 */
export function generateApiKey(tenantId: string): { key: string; prefix: string } {
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const key = `${API_KEY_PREFIX}${base64url(uuidBytes(tenantId))}_${secret}`;
  return { key, prefix: `${key.slice(0, API_KEY_PREFIX.length + 23)}${secret.slice(0, 6)}` };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/** The tenant a well-formed key names, or null for anything that is not a key of ours. */
export function apiKeyTenant(value: string): string | null {
  const match = KEY_PATTERN.exec(value);
  if (!match?.[1]) return null;
  const bytes = fromBase64url(match[1]);
  return bytes?.length === 16 ? bytesToUuid(bytes) : null;
}

/** Keys are high-entropy, so a plain SHA-256 is the right hash (no salt or stretching needed). */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function bytesToUuid(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(value: string): Uint8Array | null {
  try {
    const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
