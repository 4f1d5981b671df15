import { timestamp, uuid } from "drizzle-orm/pg-core";

/** A timestamptz column read and written as Postgres' text (the API's timestamps come from it). */
export const timestamptz = <Name extends string>(name: Name) => timestamp(name, { withTimezone: true, mode: "string" });

export const id = () => uuid("id").primaryKey().defaultRandom();

/** created_at / updated_at; updated_at is kept current by the app.touch_updated_at trigger. */
export const timestamps = {
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
};

export const deletedAt = () => timestamptz("deleted_at");
