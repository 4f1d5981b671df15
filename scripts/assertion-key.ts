/**
 * npm run db:assertion-key [-- --retire-others]
 *
 * Installs DATABASE_ASSERTION_KEY (environment or .dev.vars) in the database the same way
 * `npm run migrate` finds it: DATABASE_URL as the schema owner (Neon directly), else the running
 * `npm run dev` database. With --retire-others, every other installed key is removed (the last
 * step of a rotation, once no Worker signs with the old key).
 */
import { parseArgs } from "node:util";
import { installAssertionKey, retireOtherAssertionKeys } from "./db/assertion-key";
import { withDevDatabase } from "./lib/dev-database";
import { readDevVars } from "./lib/dev-vars";

async function main() {
  const { values } = parseArgs({ options: { "retire-others": { type: "boolean", default: false } } });
  const secret = process.env.DATABASE_ASSERTION_KEY ?? readDevVars().DATABASE_ASSERTION_KEY;
  if (!secret) throw new Error("DATABASE_ASSERTION_KEY is not set (environment or .dev.vars)");
  await withDevDatabase(async (target) => {
    const kid = await installAssertionKey(target, secret);
    console.log(`assertion key ${kid} installed`);
    if (values["retire-others"]) console.log(`retired ${await retireOtherAssertionKeys(target, secret)} other key(s)`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
