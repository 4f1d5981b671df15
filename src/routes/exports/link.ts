import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { signDownload } from "../../exports/download-link";
import type { ExportRow } from "./schemas";

/**
 * A fresh download link for a finished export (EXPORT_LINK_TTL_S), or null while it is not
 * finished or exports are not configured.
 */
export async function downloadLinkOf(
  c: Context<AppEnv>,
  row: ExportRow,
): Promise<{ url: string; expiresAt: string } | null> {
  const { EXPORT_SIGNING_SECRET: secret, EXPORT_LINK_TTL_S: ttl } = c.var.config;
  if (row.status !== "succeeded" || !secret) return null;
  const expires = Math.floor(Date.now() / 1000) + ttl;
  const signature = await signDownload(secret, row.id, expires);
  const url = new URL(`/v1/exports/${row.id}/download`, c.req.url);
  url.search = new URLSearchParams({ expires: String(expires), signature }).toString();
  return { url: url.toString(), expiresAt: new Date(expires * 1000).toISOString() };
}
