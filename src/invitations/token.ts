import { sha256Hex } from "../crypto/sha256";

export const INVITATION_TOKEN_PREFIX = "dti_";
const TOKEN_PATTERN = /^dti_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url, behind a prefix that secret scanners and people can recognise. */
export function generateInvitationToken(): string {
  let binary = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) binary += String.fromCharCode(byte);
  return INVITATION_TOKEN_PREFIX + btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function looksLikeInvitationToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** High-entropy like API keys, so a plain SHA-256 is the right hash. */
export function hashInvitationToken(token: string): Promise<string> {
  return sha256Hex(token);
}

export function acceptUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set("token", token);
  return url.toString();
}
