import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { events } from "../../db/schema";
import { columnRef, type RowOf, selectList } from "../../db/selection";
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

/** An event's public id (`evt_<txid>_<id>`, EVENT_ID_PATTERN) from its row, aliased or not. */
export const eventIdOf = (alias?: string): SQL =>
  sql`'evt_' || ${columnRef(events.txid, alias)}::text || '_' || ${columnRef(events.id, alias)}::text`;

/** What the feed shows of an event besides its public id. */
const eventColumns = { type: events.type, createdAt: events.createdAt, requestId: events.requestId, data: events.data };

export type EventRow = { id: string } & RowOf<typeof eventColumns>;

/** The feed's select list: the public id, then `eventColumns` (the timestamp as text). */
export const EVENT_COLUMNS = sql`${eventIdOf()} as id, ${selectList(eventColumns)}`;

export const eventBody = (row: EventRow): EventBody => ({ ...row, created_at: isoTimestamp(row.created_at) });
