import { secretKeyBytes } from "./secrets";

/** Standard Webhooks headers for one attempt: `webhook-signature` holds one `v1,` per secret. */
export async function signedHeaders(
  messageId: string,
  timestamp: number,
  body: string,
  secrets: string[],
): Promise<Record<string, string>> {
  const content = new TextEncoder().encode(`${messageId}.${timestamp}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey(
        "raw",
        secretKeyBytes(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, content));
      return `v1,${btoa(String.fromCharCode(...mac))}`;
    }),
  );
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatures.join(" "),
  };
}
