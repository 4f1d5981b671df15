/**
 * A webhook delivery's states. Apart from the drizzle table (src/db/schema/webhooks.ts) so that
 * routes naming them do not pull the table's definition into the Worker's bundle.
 */
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
