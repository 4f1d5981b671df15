import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listAuditLog } from "./list-audit-log";

export const auditLogRoutes = new OpenAPIHono<AppEnv>().route("/", listAuditLog);
