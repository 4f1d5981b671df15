import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listRegisterCompanies } from "./list-register-companies";

export const registerRoutes = new OpenAPIHono<AppEnv>().route("/", listRegisterCompanies);
