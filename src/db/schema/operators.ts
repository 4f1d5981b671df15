import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { id } from "./columns";
import { appAuth, appPlatform } from "./roles";

export const OPERATOR_KINDS = ["key", "jwt"] as const;

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

/**
 * The people (and systems, such as billing) who run the platform. A `key` operator holds an
 * operator key (`dop_…`, shown once by `npm run operator-key`, stored as its SHA-256); a `jwt`
 * operator is a subject of the configured operator issuer, recorded on first use. No API role
 * policy: only app_auth (app.begin_operator_request) and app_platform read it.
 */
export const operators = pgTable(
  "operators",
  {
    id: id(),
    name: text("name").notNull(),
    kind: text("kind", { enum: OPERATOR_KINDS }).notNull(),
    keyHash: text("key_hash"),
    prefix: text("prefix"),
    subject: text("subject"),
    createdAt: ts("created_at").notNull().defaultNow(),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [
    uniqueIndex("operators_key_hash_key").on(t.keyHash),
    uniqueIndex("operators_subject_key").on(t.subject),
    check("operators_kind_check", sql`${t.kind} in ('key', 'jwt')`),
    check(
      "operators_credential",
      sql`(${t.kind} = 'key' and ${t.keyHash} ~ '^[0-9a-f]{64}$' and ${t.subject} is null)
        or (${t.kind} = 'jwt' and ${t.subject} is not null and ${t.keyHash} is null)`,
    ),
    pgPolicy("operators_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    pgPolicy("operators_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();
