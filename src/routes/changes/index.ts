import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { listChanges } from "./list-changes";
import { listCompanyChanges } from "./list-company-changes";

export const changeRoutes = new OpenAPIHono<AppEnv>().route("/", listChanges).route("/", listCompanyChanges);
