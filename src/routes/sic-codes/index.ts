import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listSicCodes } from "./list-sic-codes";

export const sicCodeRoutes = new OpenAPIHono<AppEnv>().route("/", listSicCodes);
