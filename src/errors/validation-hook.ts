import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "./api-error";
import { MAX_DETAIL, MAX_FIELD_ERRORS } from "./problem";

// Clients know "body", not the validator's target names.
const LOCATION: Record<string, string> = { json: "body", form: "body", param: "path" };

/** Request validation failures share the API's problem envelope, one entry per field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  throw new ApiError("validation_failed", "The request is not valid; see `errors`.", {
    // Bounded: a body of many bad elements must not make an answer many times its size.
    errors: result.error.issues.slice(0, MAX_FIELD_ERRORS).map((issue) => ({
      field: [LOCATION[result.target] ?? result.target, ...issue.path.map(String)].join(".").slice(0, MAX_DETAIL),
      message: issue.message.slice(0, MAX_DETAIL),
    })),
  });
};
