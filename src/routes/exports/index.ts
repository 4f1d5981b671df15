import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createExport } from "./create-export";
import { downloadExport } from "./download-export";
import { getExport } from "./get-export";
import { listExports } from "./list-exports";

export const exportRoutes = new OpenAPIHono<AppEnv>()
  .route("/", createExport)
  .route("/", listExports)
  .route("/", getExport)
  .route("/", downloadExport);
