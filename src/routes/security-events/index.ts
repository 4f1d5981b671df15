import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listSecurityEvents } from "./list-security-events";

export const securityEventRoutes = new OpenAPIHono<AppEnv>().route("/", listSecurityEvents);
