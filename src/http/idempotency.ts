import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { sha256Hex } from "../crypto/sha256";
import type { Database } from "../db/client";
import { findPostgresError } from "../db/errors";
import { ApiError } from "../errors/api-error";

/** How long a key is remembered (published in the API reference and README). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export const idempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: `Retries with the same key and body get the first response for ${IDEMPOTENCY_KEY_TTL_HOURS} h; another body is a 422.`,
    }),
});

/** What a replay needs: the first response's status and the row(s) it was rendered from. */
export interface StoredResponse<Body> {
  status: number;
  body: Body;
}

interface StoredRow extends Record<string, unknown> {
  request_hash: string;
  status: number | null;
  response: unknown;
}

/** SQLSTATE raised by app.claim_idempotency_key when the key is already taken. */
const KEY_TAKEN = "DTREP";

/**
 * One POST's Idempotency-Key. The route writes through `batch()` inside `run()`: a first use
 * costs no extra round trip; a retry costs one more (reading the stored response). Without a key
 * the extra statements do nothing.
 */
export class Idempotency {
  private constructor(
    private readonly key: string | null,
    private readonly requestHash: string | null,
  ) {}

  /** For routes that take no key: batch() only runs the route's statements. */
  static readonly none = new Idempotency(null, null);

  /** The key from the validated header; the request is identified by method, path and body. */
  static async of(c: Context<AppEnv>, key: string | undefined, body: unknown): Promise<Idempotency> {
    if (key === undefined) return Idempotency.none;
    return new Idempotency(key, await sha256Hex(`${c.req.method} ${c.req.path}\n${JSON.stringify(body)}`));
  }

  /**
   * The route's batch with the key claimed first and the response stored last (one round trip).
   * `stored` is evaluated in the batch's last statement, so it sees the batch's writes; a NULL
   * body (nothing was created) stores nothing. Returns the route's own statements' results.
   */
  async batch<T extends BatchItem<"pg">[]>(
    c: Context<AppEnv>,
    build: (db: Database) => [...T],
    stored: { status: number | SQL; body: SQL },
  ): Promise<BatchResponse<T>> {
    const { results } = await c.var.scoped.batch((db) => [
      db.execute(sql`select app.claim_idempotency_key(${this.key}, ${this.requestHash})`),
      ...build(db),
      db.execute(
        sql`select app.remember_idempotent_response(${this.key}, (${stored.status})::integer, (${stored.body})::jsonb)`,
      ),
    ]);
    return results.slice(1, -1) as BatchResponse<T>;
  }

  /**
   * Runs the route's work; if the key was already used, replays the stored response through
   * `replay` (marked `Idempotent-Replayed: true`), or refuses another body with a 422.
   */
  async run<R, Body>(
    c: Context<AppEnv>,
    work: () => Promise<R>,
    replay: (stored: StoredResponse<Body>) => R,
  ): Promise<R> {
    try {
      return await work();
    } catch (error) {
      if (this.key === null || findPostgresError(error)?.code !== KEY_TAKEN) throw error;
    }
    const {
      results: [found],
    } = await c.var.scoped.batch((db) => [
      db.execute<StoredRow>(
        sql`select request_hash, status, response from idempotency_keys where key = ${this.key} and expires_at > now()`,
      ),
    ]);
    const [stored] = found.rows;
    if (!stored || stored.status === null) {
      // Expired or dropped between the two round trips: rare enough to ask for a retry.
      throw new ApiError("conflict", "A request with this Idempotency-Key was just processed; retry it.", {
        headers: { "retry-after": "1" },
      });
    }
    if (stored.request_hash !== this.requestHash) {
      throw new ApiError("unprocessable", "This Idempotency-Key was used with another request.", {
        errors: [{ field: "header.idempotency-key", message: "already used with another method, path or body" }],
      });
    }
    c.header("Idempotent-Replayed", "true");
    return replay({ status: stored.status, body: stored.response as Body });
  }
}
