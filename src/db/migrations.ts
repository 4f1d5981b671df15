import journal from "../../migrations/meta/_journal.json";

/** The newest migration this build of the Worker was written against; /ready compares it. */
export const expectedMigration = (() => {
  const last = journal.entries.at(-1);
  if (!last) throw new Error("migrations/meta/_journal.json has no entries");
  return { tag: last.tag, createdAt: last.when };
})();
