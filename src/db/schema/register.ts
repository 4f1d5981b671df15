import { sql } from "drizzle-orm";
import { bigint, date, index, jsonb, pgPolicy, pgTable, primaryKey, smallint, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import type { RegisteredOffice } from "./companies";
import { appApi, appRegister } from "./roles";

/**
 * Shared reference data: the UK SIC 2007 list and Companies House's register (the monthly "Free
 * Company Data Product"). Nobody's tenant data: the API role may read it and write none of it;
 * only the loader, `npm run register:load`, running as app_register, writes the register, and the
 * SIC list changes only by migration.
 */

export const sicSections = pgTable(
  "sic_sections",
  {
    /** A–U. */
    section: text("section").primaryKey(),
    title: text("title").notNull(),
  },
  () => [pgPolicy("sic_sections_read", { for: "select", to: [appApi, appRegister], using: sql`true` })],
).enableRLS();

export const sicCodes = pgTable(
  "sic_codes",
  {
    /** Five digits, as Companies House writes them (with its 74990 non-trading and 99999 dormant). */
    code: text("code").primaryKey(),
    description: text("description").notNull(),
    section: text("section")
      .notNull()
      .references(() => sicSections.section),
  },
  (t) => [
    index("sic_codes_section_idx").on(t.section, t.code),
    pgPolicy("sic_codes_read", { for: "select", to: [appApi, appRegister], using: sql`true` }),
  ],
).enableRLS();

/** One run of the loader over one file: its checkpoint and its counts. */
export const registerLoads = pgTable(
  "register_loads",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    fileName: text("file_name").notNull(),
    /** Size and a hash of the file's first MiB: a resumed run must read the same file. */
    fingerprint: text("fingerprint").notNull(),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    finishedAt: timestamptz("finished_at"),
    /** The file line the last committed batch ended on: where a resumed run carries on. */
    linesDone: bigint("lines_done", { mode: "number" }).notNull().default(0),
    inserted: bigint("inserted", { mode: "number" }).notNull().default(0),
    updated: bigint("updated", { mode: "number" }).notNull().default(0),
    unchanged: bigint("unchanged", { mode: "number" }).notNull().default(0),
    rejected: bigint("rejected", { mode: "number" }).notNull().default(0),
    markedGone: bigint("marked_gone", { mode: "number" }).notNull().default(0),
  },
  () => [
    pgPolicy("register_loads_loader_all", { for: "all", to: appRegister, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

/** Rows a load refused (malformed), by their record number in the file. */
export const registerLoadErrors = pgTable(
  "register_load_errors",
  {
    loadId: bigint("load_id", { mode: "number" })
      .notNull()
      .references(() => registerLoads.id, { onDelete: "cascade" }),
    line: bigint("line", { mode: "number" }).notNull(),
    message: text("message").notNull(),
    /** The start of the raw record, for a person to look at. */
    excerpt: text("excerpt").notNull(),
  },
  (t) => [
    primaryKey({ name: "register_load_errors_pkey", columns: [t.loadId, t.line] }),
    pgPolicy("register_load_errors_loader_all", {
      for: "all",
      to: appRegister,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();

/** A registered office as the register file gives it, in the API's address shape. */
export type RegisterAddress = RegisteredOffice;

const NAME_C = sql`name_key collate "C"`;

/**
 * The words of a register name (name_key split at anything not a letter or digit): the words
 * similar-name search matches, as the fill trigger of register_name_words (migration 0058) splits
 * them in SQL.
 */
export const NAME_WORDS = sql`array_remove(regexp_split_to_array(name_key, '[^[:alnum:]]+'), '')`;

/**
 * Each word of a name with the name's count of distinct trigrams ("software@21"; migration 0063):
 * similar-name search finds the names of one trigram bucket that have a word
 * (src/routes/register/similar-names.ts). The route's conditions use this same expression, so
 * the planner matches them to the GIN index on it.
 */
export const NAME_TOKENS = sql`app.register_name_tokens(name_key)`;

export const registerCompanies = pgTable(
  "register_companies",
  {
    companyNumber: text("company_number").primaryKey(),
    name: text("name").notNull(),
    /** lower(name), for prefix ranges in byte order and trigram similarity. */
    nameKey: text("name_key").generatedAlwaysAs(sql`lower(name)`),
    category: text("category"),
    status: text("status"),
    countryOfOrigin: text("country_of_origin"),
    incorporationDate: date("incorporation_date", { mode: "string" }),
    dissolutionDate: date("dissolution_date", { mode: "string" }),
    address: jsonb("address").$type<RegisterAddress>(),
    /** Upper-cased, space-free: "EC1A1BB". */
    postcode: text("postcode"),
    /** The letters before the first digit: "EC". */
    postcodeArea: text("postcode_area"),
    /** The outward code: "EC1A". */
    postcodeDistrict: text("postcode_district"),
    sicCodes: text("sic_codes").array().notNull().default(sql`'{}'::text[]`),
    /** The SIC 2007 sections of sic_codes, distinct. */
    sicSections: text("sic_sections").array().notNull().default(sql`'{}'::text[]`),
    accountsRefDay: smallint("accounts_ref_day"),
    accountsRefMonth: smallint("accounts_ref_month"),
    accountsNextDue: date("accounts_next_due", { mode: "string" }),
    accountsLastMadeUp: date("accounts_last_made_up", { mode: "string" }),
    accountsCategory: text("accounts_category"),
    confirmationNextDue: date("confirmation_next_due", { mode: "string" }),
    confirmationLastMadeUp: date("confirmation_last_made_up", { mode: "string" }),
    /** A hash of the source record: an unchanged row is not rewritten. */
    rowHash: text("row_hash").notNull(),
    /** The last load whose file had this company. */
    lastSeenLoad: bigint("last_seen_load", { mode: "number" })
      .notNull()
      .references(() => registerLoads.id),
    /** Set when a complete load's file no longer had it; cleared if it comes back. */
    goneAt: timestamptz("gone_at"),
    firstSeenAt: timestamptz("first_seen_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // Every list is in name order (name_key in "C" order, then number): each filter on a column
    // of its own has an index that reads in that order, so a page stops after `limit` rows.
    index("register_companies_name_idx").on(NAME_C, t.companyNumber),
    // Similar names: a whole-name trigram index (GiST KNN or GIN with `%`) walks posting lists or
    // signatures that nearly every name shares (README, "The UK register"); words are selective,
    // and a word with the name's trigram count picks out one bucket of the ranking's walk.
    // fastupdate off: a bulk load would otherwise leave thousands of entries in GIN's pending
    // list, which every search reads through until a vacuum (README, "The UK register").
    index("register_companies_name_tokens_idx").using("gin", NAME_TOKENS).with({ fastupdate: false }),
    index("register_companies_status_name_idx").on(t.status, NAME_C, t.companyNumber),
    index("register_companies_category_name_idx").on(t.category, NAME_C, t.companyNumber),
    index("register_companies_area_name_idx").on(t.postcodeArea, NAME_C, t.companyNumber),
    index("register_companies_district_name_idx").on(t.postcodeDistrict, NAME_C, t.companyNumber),
    index("register_companies_postcode_idx").on(sql`${t.postcode} text_pattern_ops`),
    index("register_companies_incorporated_idx").on(t.incorporationDate),
    index("register_companies_sic_idx").using("gin", t.sicCodes),
    index("register_companies_sections_idx").using("gin", t.sicSections),
    pgPolicy("register_companies_api_select", { for: "select", to: appApi, using: sql`true` }),
    pgPolicy("register_companies_loader_all", {
      for: "all",
      to: appRegister,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();

/**
 * Every distinct word of register names (NAME_WORDS), kept by a trigger on register_companies:
 * similar-name search finds the words near each word of the query here (short strings, where a
 * trigram index is selective), then the names holding one of them for every query word, and
 * which trigram buckets such names are in. Words are never removed: one whose companies are all
 * gone just finds no live name.
 */
export const registerNameWords = pgTable(
  "register_name_words",
  {
    word: text("word").primaryKey(),
    /** The distinct trigram counts of the names that have the word: the buckets worth visiting. */
    trigramCounts: smallint("trigram_counts").array().notNull().default(sql`'{}'::smallint[]`),
  },
  (t) => [
    // GiST for KNN (`<->`): the nearest spellings of a query word first.
    index("register_name_words_trgm_idx").using("gist", sql`${t.word} gist_trgm_ops`),
    pgPolicy("register_name_words_read", { for: "select", to: [appApi, appRegister], using: sql`true` }),
    pgPolicy("register_name_words_loader_insert", { for: "insert", to: appRegister, withCheck: sql`true` }),
    pgPolicy("register_name_words_loader_update", {
      for: "update",
      to: appRegister,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();
