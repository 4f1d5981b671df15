import { z } from "@hono/zod-openapi";
import { EVENT_ID_PATTERN, EVENT_TYPES } from "../../events/types";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const eventIdSchema = z.string().regex(EVENT_ID_PATTERN).max(45).openapi({ example: "evt_7431_1052" });

export const eventSchema = z
  .object({
    id: eventIdSchema,
    type: z.enum(EVENT_TYPES),
    created_at: timestampSchema,
    request_id: z.string().max(128).nullable().openapi({ description: "The request that made the change" }),
    data: z.record(z.string(), z.unknown()).openapi({
      description:
        "The resource's ids and the new values of the fields that changed (all shown fields on `created`); " +
        "`changed` names them on updates. A contact's events keep only ids once the contact is erased.",
    }),
  })
  .openapi("Event");

export type EventBody = z.infer<typeof eventSchema>;

export interface EventRow extends Record<string, unknown> {
  id: string;
  type: EventBody["type"];
  created_at: string;
  request_id: string | null;
  data: Record<string, unknown>;
}

export const eventBody = (row: EventRow): EventBody => ({ ...row, created_at: isoTimestamp(row.created_at) });
