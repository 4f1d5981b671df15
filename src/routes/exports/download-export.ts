import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { verifyDownload } from "../../exports/download-link";
import { contentTypeOf, type ExportFormat } from "../../exports/encode";
import { rateLimit } from "../../middleware/rate-limit";
import { RATE_LIMIT_COST, TENANT_SCOPED } from "../../openapi/conventions";
import { exportIdParamSchema } from "./schemas";

export const downloadExportRoute = createRoute({
  method: "get",
  path: "/v1/exports/{id}/download",
  operationId: "downloadExport",
  tags: ["Exports"],
  summary: "Download an export's file (signed link)",
  description:
    "The link from GET /v1/exports/{id}: no credentials, the signature is the permission. A link whose signature " +
    "does not match is a 403; one past its expiry a 410 (ask GET /v1/exports/{id} for a fresh one). Every download " +
    "is recorded in the tenant's audit log (`export.downloaded`). Rate-limited per client address.",
  security: [],
  middleware: [rateLimit(1)],
  [RATE_LIMIT_COST]: 1,
  [TENANT_SCOPED]: false,
  request: {
    params: exportIdParamSchema,
    query: z.object({
      expires: z.string().max(20).openapi({ description: "Unix time (seconds) the link expires at" }),
      signature: z.string().max(128).openapi({ description: "HMAC-SHA-256 of the export id and expiry, hex" }),
    }),
  },
  responses: {
    200: {
      description: "The file",
      headers: z.object({
        "content-disposition": z.string().max(200).openapi({ example: 'attachment; filename="x.csv"' }),
      }),
      content: {
        // A file of up to EXPORT_MAX_ROWS companies: a limit for the linters, not a promise.
        "text/csv": {
          schema: z
            .string()
            .max(2 ** 31)
            .openapi({ format: "binary" }),
        },
        "application/x-ndjson": {
          schema: z
            .string()
            .max(2 ** 31)
            .openapi({ format: "binary" }),
        },
      },
    },
    ...problemResponses(400, 403, 404, 410, 429, 503),
  },
});

interface Download extends Record<string, unknown> {
  object_key: string;
  format: ExportFormat;
}

export const downloadExport = new OpenAPIHono<AppEnv>().openapi(downloadExportRoute, async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const secret = c.var.config.EXPORT_SIGNING_SECRET;
  if (!secret) throw new ApiError("unavailable", "Exports are not configured on this service.");
  const expires = /^\d{1,15}$/.test(query.expires) ? Number(query.expires) : Number.NaN;
  // Signature first (whatever the expiry), so a forged link never learns whether it has expired.
  if (!(await verifyDownload(secret, id, expires, query.signature.toLowerCase(), 0))) {
    throw new ApiError("forbidden", "This download link is not valid.");
  }
  if (expires < Math.floor(Date.now() / 1000)) {
    throw new ApiError("gone", `This download link has expired; GET /v1/exports/${id} gives a fresh one.`);
  }
  // One round trip as the Worker (the link holder is nobody we know): the export's tenant gets
  // the audit entry, and the function names the file only of a finished export.
  const database = c.var.database;
  const { db } = database;
  const [, found] = await db.batch([
    db.execute(await database.begin({ kind: "worker", request_id: c.var.requestId })),
    db.execute<Download>(sql`select * from app.record_export_download(${id}::uuid, ${expires}, ${c.var.requestId})`),
  ]);
  const [download] = found.rows;
  if (!download) throw new ApiError("not_found", "No finished export with that id.");
  const object = await c.env.EXPORTS_BUCKET.get(download.object_key);
  if (!object) throw new ApiError("gone", "The export's file is no longer kept; request a new export.");
  return new Response(object.body, {
    status: 200,
    headers: {
      "content-type": contentTypeOf(download.format),
      "content-disposition": `attachment; filename="detecktiv-export-${id}.${download.format}"`,
      "content-length": String(object.size),
      "cache-control": "private, no-store",
    },
  });
});
