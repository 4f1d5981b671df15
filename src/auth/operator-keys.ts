import { sha256Hex } from "../crypto/sha256";

export const OPERATOR_KEY_PREFIX = "dop_";
const KEY_PATTERN = /^dop_[A-Za-z0-9_-]{43}$/;

/**
 * An operator key: 256 random bits, shown once by `npm run operator-key`, stored as its SHA-256
 * (like API keys, high entropy needs no stretching). It names no tenant: operators act across them.
 */
export function generateOperatorKey(): { key: string; prefix: string } {
  let binary = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) binary += String.fromCharCode(byte);
  const key = `${OPERATOR_KEY_PREFIX}${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
  return { key, prefix: key.slice(0, OPERATOR_KEY_PREFIX.length + 6) };
}

export const looksLikeOperatorKey = (value: string) => value.startsWith(OPERATOR_KEY_PREFIX);
export const isWellFormedOperatorKey = (value: string) => KEY_PATTERN.test(value);
export const hashOperatorKey = (key: string) => sha256Hex(key);
