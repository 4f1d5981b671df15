import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { deletedAt, id, timestamps } from "./columns";
import { currentTenantId, currentUserId } from "./identity";
import { appApi, appAuth } from "./roles";

/** People who sign in. `subject` is the JWT `sub` of the identity provider (any string). */
export const users = pgTable(
  "users",
  {
    id: id(),
    subject: text("subject").notNull(),
    email: text("email"),
    name: text("name"),
    ...timestamps,
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex("users_subject_key").on(t.subject),
    index("users_email_idx").on(sql`lower(${t.email})`),
    // A user sees themself and the members of the tenant the request acts for.
    pgPolicy("users_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.id} = ${currentUserId} or ${t.id} in (
        select m.user_id from memberships m where m.tenant_id = ${currentTenantId})`,
    }),
    pgPolicy("users_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("users_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    pgPolicy("users_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    pgPolicy("users_api_update_self", {
      for: "update",
      to: appApi,
      using: sql`${t.id} = ${currentUserId}`,
      withCheck: sql`${t.id} = ${currentUserId}`,
    }),
  ],
).enableRLS();

export type User = typeof users.$inferSelect;
