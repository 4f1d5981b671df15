import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "./api-error";

// Clients know "body", not the validator's target names.
const LOCATION: Record<string, string> = { json: "body", form: "body", param: "path" };

/** Request validation failures share the API's problem envelope, one entry per field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  throw new ApiError("validation_failed", "The request is not valid; see `errors`.", {
    errors: result.error.issues.map((issue) => ({
      field: [LOCATION[result.target] ?? result.target, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  });
};
