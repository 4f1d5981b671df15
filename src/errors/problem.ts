import { z } from "@hono/zod-openapi";
import { type ApiError, PROBLEMS, type ProblemCode } from "./api-error";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const TYPE_BASE = "https://detecktiv.co.uk/problems/";
/** Bounds of what a problem carries; the validation hook keeps field errors inside them. */
export const MAX_DETAIL = 1000;
export const MAX_FIELD_ERRORS = 100;

export const problemSchema = z
  .object({
    type: z
      .string()
      .max(100)
      .openapi({ example: `${TYPE_BASE}not_found` }),
    title: z.string().max(100).openapi({ example: "Not found" }),
    status: z.number().int().min(400).max(599).openapi({ example: 404 }),
    detail: z.string().max(MAX_DETAIL).openapi({ example: "No company with id 8f3c… in this tenant." }),
    // The request path; Cloudflare refuses URLs over 16 KB before the Worker sees them.
    instance: z.string().max(16_384).optional(),
    request_id: z.string().max(128).openapi({ example: "req_01HZX…" }),
    errors: z
      .array(z.object({ field: z.string().max(MAX_DETAIL), message: z.string().max(MAX_DETAIL) }))
      .max(MAX_FIELD_ERRORS)
      .optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem", { description: "RFC 9457 problem details" });

export type Problem = z.infer<typeof problemSchema>;

export function problemType(code: ProblemCode): string {
  return `${TYPE_BASE}${code}`;
}

export function problemResponse(error: ApiError, requestId: string, instance?: string): Response {
  const body: Problem = {
    ...error.options.extensions,
    type: problemType(error.code),
    title: PROBLEMS[error.code].title,
    status: error.status,
    detail: error.detail,
    request_id: requestId,
    ...(instance ? { instance } : {}),
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  };
  const headers = new Headers(error.options.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** Reusable OpenAPI response entries for the problems a route can answer with. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: Object.values(PROBLEMS).find((p) => p.status === status)?.title ?? "Error",
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      },
    ]),
  );
}
