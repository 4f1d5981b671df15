import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listPlans } from "./list-plans";

export const planRoutes = new OpenAPIHono<AppEnv>().route("/", listPlans);
