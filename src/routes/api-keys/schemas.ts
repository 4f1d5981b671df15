import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../auth/access";
import { API_KEY_ROLES, type ApiKey } from "../../db/schema/api-keys";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(100),
    prefix: z.string().max(33).openapi({
      example: "dtk_AAAAAAAAQACAAAAAAAAAAA_Xy3k9Q",
      description: "The tenant part and the first characters of the secret",
    }),
    role: z.enum(API_KEY_ROLES),
    scopes: z.array(z.string().max(50)).max(SCOPES.length + 1),
    expires_at: timestampSchema.nullable(),
    revoked_at: timestampSchema.nullable(),
    last_used_at: timestampSchema.nullable(),
    created_by: z.uuid().nullable(),
    created_at: timestampSchema,
  })
  .openapi("ApiKey");

export type ApiKeyBody = z.infer<typeof apiKeySchema>;

export const apiKeyIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export function apiKeyBody(row: ApiKey): ApiKeyBody {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    scopes: row.scopes,
    expires_at: isoTimestamp(row.expiresAt),
    revoked_at: isoTimestamp(row.revokedAt),
    last_used_at: isoTimestamp(row.lastUsedAt),
    created_by: row.createdBy,
    created_at: isoTimestamp(row.createdAt),
  };
}
