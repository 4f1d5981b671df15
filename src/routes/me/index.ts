import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { getMe } from "./get-me";

export const meRoutes = new OpenAPIHono<AppEnv>().route("/", getMe);
