import { neon, neonConfig } from "@neondatabase/serverless";
import { assertionKeyId } from "../../src/db/request-assertion";
import type { MigrationTarget } from "./migrate";

/**
 * Installs the Worker's DATABASE_ASSERTION_KEY in app.assertion_keys (as the schema owner), so
 * that app.begin_request accepts the Worker's signed assertions. Idempotent. During a rotation
 * both keys stay installed until every Worker signs with the new one; `retire` removes the old.
 */
export async function installAssertionKey(target: MigrationTarget, secret: string): Promise<string> {
  if (secret.length < 32) throw new Error("DATABASE_ASSERTION_KEY must be at least 32 characters");
  if (target.fetchEndpoint) neonConfig.fetchEndpoint = target.fetchEndpoint;
  const kid = await assertionKeyId(secret);
  await neon(target.connectionString).query(
    "INSERT INTO app.assertion_keys (kid, secret) VALUES ($1, convert_to($2, 'UTF8')) ON CONFLICT (kid) DO NOTHING",
    [kid, secret],
  );
  return kid;
}

/** Removes every installed key but the one given (the end of a rotation). */
export async function retireOtherAssertionKeys(target: MigrationTarget, keep: string): Promise<number> {
  if (target.fetchEndpoint) neonConfig.fetchEndpoint = target.fetchEndpoint;
  const kid = await assertionKeyId(keep);
  const rows = await neon(target.connectionString).query(
    "DELETE FROM app.assertion_keys WHERE kid <> $1 RETURNING kid",
    [kid],
  );
  return rows.length;
}
