import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { docs } from "./docs";
import { health } from "./health";
import { ready } from "./ready";

/** Outside /v1 and unauthenticated: liveness, readiness and the API reference UI. */
export const systemRoutes = new OpenAPIHono<AppEnv>().route("/", health).route("/", ready).route("/", docs);
