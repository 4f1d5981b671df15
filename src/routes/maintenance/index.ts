import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listRuns } from "./list-runs";

export const maintenanceRoutes = new OpenAPIHono<AppEnv>().route("/", listRuns);
