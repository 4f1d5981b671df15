import { z } from "@hono/zod-openapi";
import { API_KEY_ROLES, type ApiKey } from "../../db/schema/api-keys";
import { isoTimestamp } from "../../http/timestamps";

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({
      example: "dtk_AAAAAAAAQACAAAAAAAAAAA_Xy3k9Q",
      description: "The tenant part and the first characters of the secret",
    }),
    role: z.enum(API_KEY_ROLES),
    scopes: z.array(z.string()),
    expires_at: z.iso.datetime().nullable(),
    revoked_at: z.iso.datetime().nullable(),
    last_used_at: z.iso.datetime().nullable(),
    created_by: z.uuid().nullable(),
    created_at: z.iso.datetime(),
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
