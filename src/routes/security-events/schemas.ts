import { z } from "@hono/zod-openapi";
import { SECURITY_EVENT_KINDS } from "../../db/schema/security-events";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const securityEventSchema = z
  .object({
    id: z.uuid(),
    tenant_id: z.uuid().nullable(),
    kind: z.enum(SECURITY_EVENT_KINDS),
    reason: z.string().max(100).openapi({ example: "invalid_token" }),
    address: z
      .string()
      .max(100)
      .nullable()
      .openapi({ description: "The client address; null once SECURITY_EVENTS_ADDRESS_RETENTION_DAYS have passed" }),
    count: z.number().int().min(1).max(2_147_483_647).openapi({ description: "Events aggregated into this row" }),
    first_seen_at: timestampSchema,
    last_seen_at: timestampSchema,
  })
  .openapi("SecurityEvent");

export type SecurityEventRow = z.infer<typeof securityEventSchema>;

export const securityEventsQuery = z.object({ kind: z.enum(SECURITY_EVENT_KINDS).optional() });

export const securityEventBody = (row: SecurityEventRow): SecurityEventRow => ({
  ...row,
  first_seen_at: isoTimestamp(row.first_seen_at),
  last_seen_at: isoTimestamp(row.last_seen_at),
});
