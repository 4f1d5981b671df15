import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { isGrantableScope, SCOPES } from "../../auth/access";
import { generateApiKey, hashApiKey } from "../../auth/api-keys";
import { API_KEY_ROLES, apiKeys } from "../../db/schema/api-keys";
import { ApiError } from "../../errors/api-error";
import { timestampInputSchema } from "../../http/timestamps";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { apiKeyBody, apiKeySchema } from "./schemas";

const MAX_LIFETIME_DAYS = 730;

export const createApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(API_KEY_ROLES),
    scopes: z
      .array(
        z
          .string()
          .max(50)
          .refine(isGrantableScope, { message: `unknown scope; use ${SCOPES.join(", ")}, family:* or *` }),
      )
      .min(1)
      .max(SCOPES.length + 1),
    expires_at: timestampInputSchema
      .optional()
      .refine((value) => value === undefined || Date.parse(value) > Date.now(), "must be in the future")
      .refine(
        (value) => value === undefined || Date.parse(value) <= Date.now() + MAX_LIFETIME_DAYS * 86_400_000,
        `at most ${MAX_LIFETIME_DAYS} days ahead`,
      ),
  })
  .strict()
  .openapi("CreateApiKey");

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().max(70).openapi({ description: "The secret. Shown once: store it now." }) })
  .openapi("CreatedApiKey");

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags: ["API keys"],
  summary: "Create an API key",
  description:
    "Returns the secret once; only its hash is stored. Keys act for this tenant only, with a role below owner.",
  ...v1Access({ role: "admin", scope: "api_keys:write" }),
  request: { body: { required: true, content: { "application/json": { schema: createApiKeyBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: createdApiKeySchema } },
    },
  },
});

export const createApiKey = new OpenAPIHono<AppEnv>().openapi(createApiKeyRoute, async (c) => {
  const body = c.req.valid("json");
  // A key minting keys could widen its own scopes or outlive its revocation: only people may.
  if (c.var.principal.kind === "api_key") {
    throw new ApiError("forbidden", "API keys cannot create API keys; a signed-in admin can.");
  }
  const tenantId = c.get("tenantId");
  if (!tenantId) throw new Error("authorize() sets the tenant of tenant-scoped routes");
  const { key, prefix } = generateApiKey(tenantId);
  const keyHash = await hashApiKey(key);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .insert(apiKeys)
      .values({
        tenantId,
        name: body.name,
        prefix,
        keyHash,
        role: body.role,
        scopes: [...new Set(body.scopes)],
        expiresAt: body.expires_at ?? null,
        createdBy: sql`app.user_id()`,
      })
      .returning(),
  ]);
  const [created] = rows;
  if (!created) throw new Error("insert returned no row");
  c.header("Location", `/v1/api-keys/${created.id}`);
  return c.json({ ...apiKeyBody(created), key }, 201);
});
