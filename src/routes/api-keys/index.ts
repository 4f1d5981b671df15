import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createApiKey } from "./create-api-key";
import { listApiKeys } from "./list-api-keys";
import { revokeApiKey } from "./revoke-api-key";

export const apiKeyRoutes = new OpenAPIHono<AppEnv>()
  .route("/", listApiKeys)
  .route("/", createApiKey)
  .route("/", revokeApiKey);
