export const API_KEY_PREFIX = "dtk_";
const KEY_PATTERN = /^dtk_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url: `dtk_` + 43 characters. */
export function generateApiKey(): { key: string; prefix: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = `${API_KEY_PREFIX}${base64url(bytes)}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + 8) };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

export function isWellFormedApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Keys are high-entropy, so a plain SHA-256 is the right hash (no salt or stretching needed). */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
