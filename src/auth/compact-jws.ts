/**
 * The shape of a JWT in compact serialisation (RFC 7515 §3.1, RFC 7519 §7.2): three segments of
 * base64url without padding (RFC 4648 §5, RFC 7515 §2). jose decodes leniently (it accepts `=`
 * padding and ASCII whitespace, and ignores the unused bits of the last character), so many
 * strings would verify as the same token. Only the one canonical spelling is accepted: a token
 * string is then a stable identity (logs, deny-lists) and nothing rides along unsigned.
 */

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function isCanonicalBase64url(segment: string): boolean {
  if (!SEGMENT.test(segment)) return false;
  const tail = segment.length % 4;
  if (tail === 0) return true;
  // One character alone cannot hold a byte.
  if (tail === 1) return false;
  // A final group of 2 (3) characters leaves 4 (2) bits of its last character unused: they must be zero.
  const last = BASE64URL.indexOf(segment.charAt(segment.length - 1));
  return (last & (tail === 2 ? 0b1111 : 0b11)) === 0;
}

/** True when the token is header.payload.signature, each segment canonical unpadded base64url. */
export function isCompactJws(token: string): boolean {
  const segments = token.split(".");
  return segments.length === 3 && segments.every(isCanonicalBase64url);
}
