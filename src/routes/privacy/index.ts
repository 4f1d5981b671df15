import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { eraseSubject } from "./erase-subject";
import { exportSubject } from "./export-subject";
import { getRetention } from "./get-retention";
import { updateRetention } from "./update-retention";

export const privacyRoutes = new OpenAPIHono<AppEnv>()
  .route("/", getRetention)
  .route("/", updateRetention)
  .route("/", exportSubject)
  .route("/", eraseSubject);
