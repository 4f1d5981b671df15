import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createImport } from "./create-import";
import { getImport } from "./get-import";
import { listImports } from "./list-imports";

export const importRoutes = new OpenAPIHono<AppEnv>()
  .route("/", createImport)
  .route("/", listImports)
  .route("/", getImport);
