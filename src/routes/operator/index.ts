import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { setPlan } from "./set-plan";

/** Outside /v1: called by the billing system or an operator with OPERATOR_TOKEN, never by tenants. */
export const operatorRoutes = new OpenAPIHono<AppEnv>().route("/", setPlan);
