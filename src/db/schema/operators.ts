import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { appAuth, appPlatform } from "./roles";

export const OPERATOR_KINDS = ["key", "jwt"] as const;

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
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    revokedAt: timestamptz("revoked_at"),
    lastUsedAt: timestamptz("last_used_at"),
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
