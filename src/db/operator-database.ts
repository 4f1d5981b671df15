import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { ApiDatabaseClient, Database } from "./client";

/** Who the edge says the operator is: a key's hash or a verified operator JWT. */
export type OperatorPrincipal =
  | { kind: "operator_key"; keyHash: string }
  | { kind: "operator_jwt"; subject: string; name: string | null };

export interface OperatorIdentity {
  operatorId: string;
  operatorName: string;
}

/**
 * The database as an operator sees it: ONE round trip, app.begin_operator_request first (it
 * checks the key or subject and seals an operator identity with no tenant), then the route's calls
 * of app.operator_* functions, the only way an operator reaches tenant data.
 */
export interface OperatorDatabase {
  batch<T extends BatchItem<"pg">[]>(
    build: (db: Database) => [...T],
  ): Promise<{ identity: OperatorIdentity; results: BatchResponse<T> }>;
}

interface BeginRow extends Record<string, unknown> {
  operator_id: string;
  operator_name: string;
}

export function createOperatorDatabase(
  database: ApiDatabaseClient,
  options: { principal: OperatorPrincipal; readOnly: boolean; requestId: string },
): OperatorDatabase {
  const { principal, readOnly, requestId } = options;
  return {
    async batch<T extends BatchItem<"pg">[]>(build: (db: Database) => [...T]) {
      const { db } = database;
      const begin = await database.begin({
        kind: "operator",
        key_hash: principal.kind === "operator_key" ? principal.keyHash : null,
        subject: principal.kind === "operator_jwt" ? principal.subject : null,
        name: principal.kind === "operator_jwt" ? principal.name : null,
        read_only: readOnly,
        request_id: requestId,
      });
      const queries: [BatchItem<"pg">, ...BatchItem<"pg">[]] = [db.execute<BeginRow>(begin), ...build(db)];
      const [beginResult, ...results] = (await db.batch(queries)) as [{ rows: BeginRow[] }, ...unknown[]];
      const row = beginResult.rows[0];
      if (!row) throw new Error("app.begin_operator_request returned no row");
      return {
        identity: { operatorId: row.operator_id, operatorName: row.operator_name },
        results: results as BatchResponse<T>,
      };
    },
  };
}
