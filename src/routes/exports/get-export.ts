import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { downloadLinkOf } from "./link";
import { EXPORT_COLUMNS, type ExportRow, exportBody, exportIdParamSchema, exportSchema } from "./schemas";

export const getExportRoute = createRoute({
  method: "get",
  path: "/v1/exports/{id}",
  operationId: "getExport",
  tags: ["Exports"],
  summary: "An export: status, rows and, when finished, its download link",
  description:
    "Status (`queued`, `running`, `succeeded`, `failed`), the rows selected and written, why it failed, and when " +
    "succeeded a signed download link valid for EXPORT_LINK_TTL_S seconds (default 900): each GET gives a fresh one.",
  ...v1Access({ role: "viewer", scope: "exports:read" }, { module: "exports" }),
  request: { params: exportIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The export", content: { "application/json": { schema: exportSchema } } },
  },
});

export const getExport = new OpenAPIHono<AppEnv>().openapi(getExportRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<ExportRow>(sql`select ${EXPORT_COLUMNS} from export_jobs where id = ${id}`),
  ]);
  const [row] = found.rows;
  if (!row) throw new ApiError("not_found", "No export with that id in this tenant.");
  return c.json(exportBody(row, await downloadLinkOf(c, row)), 200);
});
