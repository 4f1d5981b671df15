import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema";
import { type RowOf, selectList } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { EVENT_TYPES } from "../../events/types";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { DELIVERY_STATUSES } from "../../webhooks/delivery-status";
import { eventIdOf, eventIdSchema } from "../events/schemas";

export const MAX_URL = 2048;
const INT32_MAX = 2_147_483_647;

export const enabledEventsSchema = z
  .array(z.enum(["*", ...EVENT_TYPES.filter((type) => type !== "webhook.test")]))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .openapi({ description: 'Event types to receive; `["*"]` for all', example: ["company.created", "contact.deleted"] });

export const webhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string().max(MAX_URL),
    description: z.string().max(500).nullable(),
    enabled_events: z.array(z.string().max(50)).max(EVENT_TYPES.length + 1),
    enabled: z.boolean(),
    disabled_reason: z.enum(["gone", "failing"]).nullable().openapi({
      description: "Set when delivery disabled the endpoint: the receiver answered 410, or failed for 5 days",
    }),
    failing_since: timestampSchema.nullable(),
    previous_secret_expires_at: timestampSchema
      .nullable()
      .openapi({ description: "After a rotation: until then, deliveries are signed with the old secret too" }),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .openapi("WebhookEndpoint");

export const webhookEndpointWithSecretSchema = webhookEndpointSchema
  .extend({
    secret: z
      .string()
      .max(60)
      .openapi({ description: "The signing secret (`whsec_…`). Shown once: store it now.", example: "whsec_…" }),
  })
  .openapi("WebhookEndpointWithSecret");

export type WebhookEndpointBody = z.infer<typeof webhookEndpointSchema>;

/** What the API shows of an endpoint: never the sealed secrets or the tenant. */
export const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  enabledEvents: webhookEndpoints.enabledEvents,
  enabled: webhookEndpoints.enabled,
  disabledReason: webhookEndpoints.disabledReason,
  failingSince: webhookEndpoints.failingSince,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

export type EndpointRow = RowOf<typeof endpointColumns>;

/** The select list of `endpointColumns` (timestamps as text), for SELECT and RETURNING. */
export const ENDPOINT_COLUMNS = selectList(endpointColumns);

export function endpointBody(row: EndpointRow): WebhookEndpointBody {
  return {
    ...row,
    failing_since: isoTimestamp(row.failing_since),
    previous_secret_expires_at: isoTimestamp(row.previous_secret_expires_at),
    created_at: isoTimestamp(row.created_at),
    updated_at: isoTimestamp(row.updated_at),
  };
}

export const endpointIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    endpoint_id: z.uuid(),
    event_id: eventIdSchema,
    event_type: z.string().max(50),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().min(0).max(INT32_MAX),
    response_status: z.number().int().min(100).max(599).nullable(),
    duration_ms: z.number().int().min(0).max(INT32_MAX).nullable(),
    last_error: z.string().max(1000).nullable(),
    last_attempt_at: timestampSchema.nullable(),
    next_attempt_at: timestampSchema.nullable().openapi({ description: "When it is tried next (pending only)" }),
    created_at: timestampSchema,
  })
  .openapi("WebhookDelivery");

export type WebhookDeliveryBody = z.infer<typeof webhookDeliverySchema>;

// A delivery's own columns, before and after the two that come from its event.
const deliveryHead = { id: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId };
const deliveryTail = {
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  responseStatus: webhookDeliveries.responseStatus,
  durationMs: webhookDeliveries.durationMs,
  lastError: webhookDeliveries.lastError,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  createdAt: webhookDeliveries.createdAt,
};

export type DeliveryRow = RowOf<typeof deliveryHead> & { event_id: string; event_type: string } & RowOf<
    typeof deliveryTail
  >;

/** Columns of `webhook_deliveries d join events ev`: the public event id and type come from the event. */
export const DELIVERY_COLUMNS = sql`${selectList(deliveryHead, "d")}, ${eventIdOf("ev")} as event_id,
  ev.type as event_type, ${selectList(deliveryTail, "d")}`;

export function deliveryBody(row: DeliveryRow): WebhookDeliveryBody {
  return {
    ...row,
    last_attempt_at: isoTimestamp(row.last_attempt_at),
    next_attempt_at: isoTimestamp(row.next_attempt_at),
    created_at: isoTimestamp(row.created_at),
  };
}

/** The key that seals signing secrets; without it there are no webhooks on this deployment. */
export function secretsKey(c: Context<AppEnv>): string {
  const key = c.var.config.WEBHOOK_SECRETS_KEY;
  if (!key) throw new ApiError("unavailable", "Webhooks are not configured on this service (WEBHOOK_SECRETS_KEY).");
  return key;
}

export const urlPolicy = (c: Context<AppEnv>) => ({ allowLoopback: c.var.config.SCRAPE_ALLOW_PRIVATE_NETWORKS });

export const notFound = () => new ApiError("not_found", "No webhook endpoint with that id in this tenant.");
