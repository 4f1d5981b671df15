import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { createFlag } from "./create-flag";
import { deleteFlag } from "./delete-flag";
import { deleteFlagOverride, setFlagOverride } from "./flag-overrides";
import { getFeatures } from "./get-features";
import { getFlag } from "./get-flag";
import { listFlags } from "./list-flags";
import { updateFlag } from "./update-flag";

/** Operators manage flags under /internal/flags; a tenant reads its evaluated flags at /v1/features. */
export const featureFlagRoutes = new OpenAPIHono<AppEnv>()
  .route("/", getFeatures)
  .route("/", listFlags)
  .route("/", createFlag)
  .route("/", getFlag)
  .route("/", updateFlag)
  .route("/", deleteFlag)
  .route("/", setFlagOverride)
  .route("/", deleteFlagOverride);
