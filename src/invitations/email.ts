import type { Config } from "../config/config";
import type { Logger } from "../observability/logger";
import { describeError } from "../observability/logger";

/** How an invitation reached the invitee: by email, or through the admin (the link came back). */
export type Delivery = "email" | "email_failed" | "link";

const SEND_TIMEOUT_MS = 5_000;

export interface InvitationEmail {
  to: string;
  tenantName: string;
  role: string;
  link: string;
  expiresAt: string;
}

/**
 * Sends through the configured provider's HTTP API in Resend's shape (`POST` JSON `{from, to,
 * subject, text, html}` with `Authorization: Bearer`; Postmark, SendGrid and Mailgun take the same
 * facts under other names). Never throws: a failure is logged (without the address or the link)
 * and reported, so the admin gets the link back and can pass it on.
 */
export async function sendInvitationEmail(config: Config, email: InvitationEmail, logger: Logger): Promise<boolean> {
  const { EMAIL_API_URL, EMAIL_API_TOKEN, EMAIL_FROM } = config;
  if (!EMAIL_API_URL || !EMAIL_API_TOKEN || !EMAIL_FROM) return false;
  const subject = `You are invited to ${email.tenantName} on Detecktiv`;
  const text = [
    `You have been invited to join ${email.tenantName} on Detecktiv as ${email.role}.`,
    "",
    `Accept the invitation: ${email.link}`,
    "",
    `The link works once and expires at ${email.expiresAt}. Sign in with this email address to accept it.`,
  ].join("\n");
  try {
    const response = await fetch(EMAIL_API_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${EMAIL_API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ from: EMAIL_FROM, to: [email.to], subject, text, html: htmlOf(text) }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    // The body is drained so the connection can be reused; its content is not needed.
    await response.body?.cancel();
    if (response.ok) return true;
    logger.warn("invitation email refused by the provider", { status: response.status });
  } catch (error) {
    logger.warn("invitation email not sent", describeError(error, { stack: false }));
  }
  return false;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function htmlOf(text: string): string {
  const linked = escapeHtml(text).replace(/(https?:\/\/[^\s<]+)/g, (url) => `<a href="${url}">${url}</a>`);
  return `<p>${linked.split("\n\n").join("</p><p>").replace(/\n/g, "<br>")}</p>`;
}
