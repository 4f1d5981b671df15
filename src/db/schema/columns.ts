import { timestamp, uuid } from "drizzle-orm/pg-core";

export const id = () => uuid("id").primaryKey().defaultRandom();

/** created_at / updated_at; updated_at is kept current by the app.touch_updated_at trigger. */
export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
};

export const deletedAt = () => timestamp("deleted_at", { withTimezone: true, mode: "string" });
