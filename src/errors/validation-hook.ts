import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "./api-error";

/** Request validation failures share the API's problem envelope, one entry per field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  throw new ApiError("validation_failed", "The request is not valid; see `errors`.", {
    errors: result.error.issues.map((issue) => ({
      field: [result.target, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  });
};
