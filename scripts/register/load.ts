/**
 * Loads a Companies House company data file (CSV, or its zip) into the shared register, in
 * batches, each ONE transaction over the Neon HTTP driver that writes the rows, the rejected
 * records and the checkpoint together: a cut load resumes exactly where its last batch committed.
 * Unchanged rows (same hash) are only marked as seen; a complete load then marks the companies its
 * file no longer has as gone. Every batch runs as app_register (SET LOCAL ROLE), the one role that
 * may write the register.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { neon } from "@neondatabase/serverless";
import { parse } from "csv-parse";
import yauzl from "yauzl";
import { headerIndex, RecordError, type RegisterRow, registerRow } from "./format";

type Sql = ReturnType<typeof neon>;

export interface LoadOptions {
  file: string;
  /** The migrating (owning) role's connection: it switches to app_register for every batch. */
  connectionString: string;
  batchSize?: number;
  /** Marks companies missing from the file as gone even when it has far fewer than the register. */
  allowShrink?: boolean;
  /** Stops (as if cut) after this many batches: for tests of resuming. */
  stopAfterBatches?: number;
  log?: (line: string) => void;
  /** Progress lines at most this often. */
  progressEveryMs?: number;
}

export interface LoadResult {
  loadId: number;
  resumedFrom: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  markedGone: number;
  finished: boolean;
  seconds: number;
}

const MAX_ERRORS_KEPT = 10_000;
const GONE_CHUNK = 20_000;
/** A file with fewer companies than this share of the live register looks cut short. */
const SHRINK_GUARD = 0.5;

async function fingerprint(file: string): Promise<{ fingerprint: string; size: number }> {
  const { size } = await stat(file);
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(size, 1 << 20));
    await handle.read(buffer, 0, buffer.length, 0);
    return { fingerprint: `${size}:${createHash("sha256").update(buffer).digest("hex")}`, size };
  } finally {
    await handle.close();
  }
}

/** The file's bytes as they are read (progress), and the CSV text inside (a zip's first .csv entry). */
async function openCsv(file: string, onBytes: (n: number) => void): Promise<Readable> {
  const head = Buffer.alloc(4);
  const handle = await open(file, "r");
  await handle.read(head, 0, 4, 0);
  await handle.close();
  const counted = (stream: Readable) => {
    stream.on("data", (chunk: Buffer) => onBytes(chunk.length));
    return stream;
  };
  if (head.readUInt32LE(0) !== 0x04034b50) return counted(createReadStream(file, { highWaterMark: 1 << 20 }));
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable zip"));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!/\.csv$/i.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error("unreadable zip entry"));
          // Progress in compressed bytes, against the zip's size.
          let last = 0;
          const out = new PassThrough();
          stream.on("data", () => {
            const read = (stream as unknown as { compressedBytesRead?: number }).compressedBytesRead;
            if (typeof read === "number") {
              onBytes(read - last);
              last = read;
            }
          });
          stream.pipe(out);
          resolve(out);
        });
      });
      zip.on("end", () => reject(new Error(`${basename(file)} holds no .csv file`)));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

const COLUMNS = `company_number text, name text, category text, status text, country_of_origin text,
  incorporation_date date, dissolution_date date, address jsonb, postcode text, postcode_area text,
  postcode_district text, sic_codes text[], sic_sections text[], accounts_ref_day smallint,
  accounts_ref_month smallint, accounts_next_due date, accounts_last_made_up date, accounts_category text,
  confirmation_next_due date, confirmation_last_made_up date, row_hash text`;
const NAMES = COLUMNS.split(",").map((column) => column.trim().split(/\s+/)[0]);
const SET_ALL = NAMES.filter((name) => name !== "company_number")
  .map((name) => `${name} = excluded.${name}`)
  .join(", ");

/**
 * One batch: rows whose hash is unchanged are only marked seen; the others are inserted or
 * rewritten; the load's counters and checkpoint move in the same statement, so all of it commits
 * or none does.
 */
const BATCH_SQL = `
  with input as (select * from jsonb_to_recordset($1::jsonb) as r(${COLUMNS})),
  seen as (
    update register_companies r set last_seen_load = $2, gone_at = null
      from input i where r.company_number = i.company_number and r.row_hash = i.row_hash
    returning r.company_number),
  written as (
    insert into register_companies (${NAMES.join(", ")}, last_seen_load)
    select ${NAMES.map((name) => `i.${name}`).join(", ")}, $2 from input i
     where i.company_number not in (select company_number from seen)
    on conflict (company_number) do update set ${SET_ALL}, last_seen_load = excluded.last_seen_load,
       gone_at = null, updated_at = now()
    returning (xmax = 0) as inserted),
  counts as (
    select (select count(*) from seen) as unchanged,
           count(*) filter (where inserted) as inserted,
           count(*) filter (where not inserted) as updated
      from written)
  update register_loads l
     set lines_done = $3, unchanged = l.unchanged + c.unchanged, inserted = l.inserted + c.inserted,
         updated = l.updated + c.updated, rejected = l.rejected + $4
    from counts c where l.id = $2
  returning c.inserted::int, c.updated::int, c.unchanged::int`;

const ERRORS_SQL = `insert into register_load_errors (load_id, line, message, excerpt)
  select $1, e.record, e.message, e.excerpt
    from jsonb_to_recordset($2::jsonb) as e(record bigint, message text, excerpt text)
  on conflict do nothing`;

const AS_LOADER = "set local role app_register";

interface Rejected {
  record: number;
  message: string;
  excerpt: string;
}

const rate = (n: number, seconds: number) => Math.round(n / Math.max(seconds, 0.001));
function duration(seconds: number) {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export async function loadRegister(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? console.log;
  const batchSize = options.batchSize ?? 2000;
  const sql: Sql = neon(options.connectionString);
  const started = performance.now();
  const { fingerprint: print, size } = await fingerprint(options.file);

  // Resume the unfinished load of this same file, if there is one.
  const [resume] = (
    await sql.transaction([
      sql.query(AS_LOADER),
      sql.query(
        `select id::int, lines_done::int from register_loads
        where finished_at is null and fingerprint = $1 order by id desc limit 1`,
        [print],
      ),
    ])
  ).slice(1)[0] as { id: number; lines_done: number }[];
  let loadId: number;
  let resumedFrom = 0;
  if (resume) {
    loadId = resume.id;
    resumedFrom = resume.lines_done;
    log(`register: resuming load ${loadId} of ${basename(options.file)} after line ${resumedFrom}`);
  } else {
    const [created] = (
      await sql.transaction([
        sql.query(AS_LOADER),
        sql.query("insert into register_loads (file_name, fingerprint) values ($1, $2) returning id::int", [
          basename(options.file),
          print,
        ]),
      ])
    ).slice(1)[0] as { id: number }[];
    if (!created) throw new Error("register_loads: no id returned");
    loadId = created.id;
    log(`register: load ${loadId} of ${basename(options.file)} (${(size / 1e6).toFixed(1)} MB)`);
  }

  let bytes = 0;
  const input = await openCsv(options.file, (n) => {
    bytes += n;
  });
  // Records are known by the file line they end on: what a person looks up, and a position that
  // both parsed and unreadable records have, so the checkpoint is a line number.
  const parser = input.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_records_with_error: true, skip_empty_lines: true }),
  );
  let line = 0;
  let records = 0; // data records seen in this run, valid or not
  let skippedByParser: Rejected[] = [];
  parser.on("skip", (error: Error & { lines?: number }) => {
    records++;
    const at = error.lines ?? line + 1;
    if (at > resumedFrom) {
      skippedByParser.push({ record: at, message: `unreadable CSV: ${error.message}`.slice(0, 500), excerpt: "" });
    }
  });

  const totals = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  let batch = new Map<string, RegisterRow>();
  let rejected: Rejected[] = [];
  let batches = 0;
  let lastProgress = performance.now();
  let inFlight: Promise<void> = Promise.resolve();
  let cut = false;

  /** Sends a batch once the one before it has committed; the next batch is parsed meanwhile. */
  const send = async (rows: RegisterRow[], errors: Rejected[], done: number) => {
    await inFlight;
    inFlight = (async () => {
      // A file of nothing but garbage should not fill the table: the first ones say enough.
      const keptErrors = totals.rejected < MAX_ERRORS_KEPT ? errors : [];
      const results = await sql.transaction([
        sql.query(AS_LOADER),
        sql.query(BATCH_SQL, [JSON.stringify(rows), loadId, done, errors.length]),
        ...(keptErrors.length > 0 ? [sql.query(ERRORS_SQL, [loadId, JSON.stringify(keptErrors)])] : []),
      ]);
      const [counts] = results[1] as { inserted: number; updated: number; unchanged: number }[];
      totals.inserted += counts?.inserted ?? 0;
      totals.updated += counts?.updated ?? 0;
      totals.unchanged += counts?.unchanged ?? 0;
      totals.rejected += errors.length;
      const now = performance.now();
      if (now - lastProgress >= (options.progressEveryMs ?? 2000)) {
        lastProgress = now;
        const seconds = (now - started) / 1000;
        const done = records;
        const eta = bytes > 0 ? (seconds * (size - bytes)) / bytes : Number.NaN;
        log(
          `register: line ${line} (${totals.inserted} new, ${totals.updated} changed, ${totals.unchanged} unchanged, ${totals.rejected} rejected), ${rate(done, seconds)} rows/s, ${Math.round((100 * bytes) / size)}%, ETA ${duration(eta)}`,
        );
      }
    })();
  };

  let index: Map<string, number> | undefined;
  for await (const { record: fields, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    line = info.lines;
    if (!index) {
      index = headerIndex(fields);
      continue;
    }
    if (line <= resumedFrom) continue;
    records++;
    try {
      const row = registerRow(fields, index);
      batch.set(row.company_number, row); // a number twice in one batch: the later record wins
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      rejected.push({ record: line, message: error.message, excerpt: fields.join(",").slice(0, 200) });
    }
    if (batch.size + rejected.length + skippedByParser.length >= batchSize) {
      // The parser reports unreadable records as it reads, ahead of this loop: those past this
      // batch's last line belong to the next batch (and its checkpoint).
      const upTo = line;
      const errors = [...skippedByParser.filter((e) => e.record <= upTo), ...rejected].sort(
        (a, b) => a.record - b.record,
      );
      skippedByParser = skippedByParser.filter((e) => e.record > upTo);
      await send([...batch.values()], errors, line);
      batch = new Map();
      rejected = [];
      batches++;
      if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) {
        cut = true;
        break;
      }
    }
  }
  if (!index) throw new Error(`${basename(options.file)} is empty: no header line`);
  if (!cut) {
    const errors = [...skippedByParser, ...rejected].sort((a, b) => a.record - b.record);
    if (batch.size > 0 || errors.length > 0) await send([...batch.values()], errors, Math.max(line, resumedFrom));
  }
  await inFlight;
  input.destroy();

  const result: LoadResult = {
    loadId,
    resumedFrom,
    records,
    ...totals,
    markedGone: 0,
    finished: false,
    seconds: (performance.now() - started) / 1000,
  };
  if (cut) {
    log(`register: stopped after ${batches} batches at line ${line}; run again to resume`);
    return result;
  }
  result.markedGone = await markGone(sql, loadId, options.allowShrink ?? false, log);
  result.finished = true;
  result.seconds = (performance.now() - started) / 1000;
  log(
    `register: load ${loadId} finished: ${records} records, ${totals.inserted} new, ${totals.updated} changed, ${totals.unchanged} unchanged, ${totals.rejected} rejected, ${result.markedGone} gone; ${rate(records, result.seconds)} rows/s over ${duration(result.seconds)}`,
  );
  return result;
}

/** Companies the finished file did not have: marked gone in chunks (each its own transaction). */
async function markGone(sql: Sql, loadId: number, allowShrink: boolean, log: (line: string) => void) {
  const [counts] = (
    await sql.transaction([
      sql.query(AS_LOADER),
      sql.query(
        `select count(*) filter (where last_seen_load = $1)::int as seen,
              count(*) filter (where last_seen_load <> $1 and gone_at is null)::int as missing
         from register_companies`,
        [loadId],
      ),
    ])
  ).slice(1)[0] as { seen: number; missing: number }[];
  const { seen = 0, missing = 0 } = counts ?? {};
  if (missing > 0 && seen < SHRINK_GUARD * (seen + missing) && !allowShrink) {
    throw new Error(
      `the file has ${seen} companies but ${missing} live ones are missing from it: is it cut short? ` +
        "Nothing was marked gone; run again with --allow-shrink if the register really shrank.",
    );
  }
  let after = "";
  let gone = 0;
  for (;;) {
    const [rows] = (
      await sql.transaction([
        sql.query(AS_LOADER),
        sql.query(
          `with next as (
           select company_number from register_companies
            where company_number > $2 and last_seen_load <> $1 and gone_at is null
            order by company_number limit ${GONE_CHUNK})
         update register_companies r set gone_at = now() from next
          where r.company_number = next.company_number
         returning r.company_number`,
          [loadId, after],
        ),
      ])
    ).slice(1) as { company_number: string }[][];
    const marked = rows ?? [];
    gone += marked.length;
    for (const { company_number: number } of marked) if (number > after) after = number;
    if (marked.length < GONE_CHUNK) break;
  }
  await sql.transaction([
    sql.query(AS_LOADER),
    sql.query("update register_loads set marked_gone = marked_gone + $2, finished_at = now() where id = $1", [
      loadId,
      gone,
    ]),
  ]);
  if (gone > 0) log(`register: ${gone} companies no longer in the file, marked gone`);
  return gone;
}
