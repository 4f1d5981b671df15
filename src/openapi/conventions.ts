import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from "openapi3-ts/oas31";
import { PROBLEMS } from "../errors/api-error";
import { PROBLEM_CONTENT_TYPE } from "../errors/problem";
import { TENANT_HEADER } from "../middleware/authorize";
import { REQUEST_ID_HEADER } from "../middleware/request-id";
import { headerRef } from "./headers";

/** Marks an operation whose requests pass the rate limiter (set by `v1Access`). */
export const RATE_LIMIT_COST = "x-rate-limit-cost";
/** The product module an operation needs (set by `v1Access`); a tenant without it gets 403 `module_disabled`. */
export const MODULE = "x-module";
/** Marks an operation whose tenant may be named by `X-Tenant-Id` (set by `v1Access`). */
export const TENANT_SCOPED = "x-tenant-scoped";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

const problem = (status: number, description?: string): ResponseObject => ({
  description: description ?? Object.values(PROBLEMS).find((p) => p.status === status)?.title ?? "Error",
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
});

const tenantHeader: ParameterObject = {
  name: TENANT_HEADER,
  in: "header",
  required: false,
  description:
    "The tenant to act in, for tokens without a tenant claim and for API keys (which may only name their own). " +
    "A token's claim and this header must agree.",
  schema: { type: "string", format: "uuid", minLength: 36, maxLength: 36 },
};

const requestIdHeader: ParameterObject = {
  name: REQUEST_ID_HEADER,
  in: "header",
  required: false,
  description: "Your id for this request, echoed back and logged; ignored unless 8-128 of `A-Za-z0-9._:-`.",
  schema: { type: "string", maxLength: 128 },
};

/**
 * What app-wide middleware does to every operation, written into the document in one pass so
 * that a new route is described correctly without anyone remembering to: the request id
 * (request-id middleware), the body limit and media type (body-limit middleware, the JSON
 * validator), rate limiting and its headers (`v1Access`), the tenant header (`authorize`), the
 * Idempotent-Replayed marker (routes that take an Idempotency-Key) and the 500 every route can
 * answer with. Route-specific headers (ETag, Location) are declared by the routes themselves.
 */
export function applyConventions(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (operation) describeOperation(operation);
    }
  }
  spellOutFormats(document);
  return document;
}

const INT32 = 2 ** 31;
const FIXED_LENGTH: Record<string, number> = { uuid: 36, date: 10 };

/**
 * Facts a schema's format already implies, written out for linters and generated validators:
 * a uuid is 36 characters and a date 10 (the validators enforce the format), an integer whose
 * bounds fit 32 bits is an int32.
 */
function spellOutFormats(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) spellOutFormats(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const length = typeof schema.format === "string" ? FIXED_LENGTH[schema.format] : undefined;
  if (types.includes("string") && length !== undefined) {
    schema.minLength ??= length;
    schema.maxLength ??= length;
  }
  if (types.includes("integer") && schema.format === undefined) {
    const { minimum, maximum } = schema;
    if (typeof minimum === "number" && typeof maximum === "number") {
      schema.format = minimum >= -INT32 && maximum < INT32 ? "int32" : "int64";
    }
  }
  for (const value of Object.values(schema)) spellOutFormats(value);
}

function describeOperation(operation: OperationObject): void {
  const rateLimited = operation[RATE_LIMIT_COST] !== undefined;
  const parameters = operation.parameters ?? [];
  const responses = operation.responses ?? {};
  operation.parameters = parameters;
  operation.responses = responses;
  const headerNames = new Set(parameters.map((p) => ("name" in p ? p.name.toLowerCase() : "")));

  if (!headerNames.has(REQUEST_ID_HEADER.toLowerCase())) parameters.push(requestIdHeader);
  if (operation[TENANT_SCOPED] === true && !headerNames.has(TENANT_HEADER.toLowerCase())) parameters.push(tenantHeader);
  if (parameters.length === 0) delete operation.parameters;

  const module = operation[MODULE];
  if (typeof module === "string") {
    const note = `Needs the \`${module}\` module (see \`GET /v1/tenant\`): a tenant without it gets 403 \`module_disabled\`.`;
    operation.description = operation.description ? `${operation.description}\n\n${note}` : note;
  }

  if (operation.requestBody) {
    responses["413"] ??= problem(413, "The request body exceeds the configured size limit");
    responses["415"] ??= problem(415, "The body is not `application/json`");
  }
  if (rateLimited) {
    responses["429"] ??= problem(429);
    responses["503"] ??= problem(503);
  }
  responses["500"] ??= problem(500);

  const idempotent = headerNames.has("idempotency-key");
  for (const [status, response] of Object.entries(responses)) {
    if ("$ref" in response) continue;
    const headers = response.headers ?? {};
    response.headers = headers;
    headers[REQUEST_ID_HEADER] ??= headerRef(REQUEST_ID_HEADER);
    headers["Access-Control-Allow-Origin"] ??= headerRef("Access-Control-Allow-Origin");
    // 401s are answered before the limiter counts the request; every other answer of a
    // rate-limited route carries its bucket.
    if (rateLimited && /^[24]/.test(status) && status !== "401") {
      headers["RateLimit-Policy"] ??= headerRef("RateLimit-Policy");
      headers.RateLimit ??= headerRef("RateLimit");
    }
    if (status === "429" || status === "503") headers["Retry-After"] ??= headerRef("Retry-After");
    if (idempotent && status.startsWith("2")) headers["Idempotent-Replayed"] ??= headerRef("Idempotent-Replayed");
  }
}
