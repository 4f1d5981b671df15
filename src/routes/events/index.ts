import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listEvents } from "./list-events";

export const eventRoutes = new OpenAPIHono<AppEnv>().route("/", listEvents);
