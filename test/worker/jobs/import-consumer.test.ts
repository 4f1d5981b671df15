import { describe, expect, it } from "vitest";
import { companyNumber, fakeCompany } from "../companies-house";
import { signedIn } from "../factories";
import { sqlAs } from "../harness";
import { deliverImports, importOf, queuedImport, rowsOf, usedThisMonth } from "../imports";

type Member = Awaited<ReturnType<typeof signedIn>>;

/** The shared Companies House budget down to 10 requests, refilled only very slowly. */
const TIGHT_BUDGET = {
  RATE_LIMIT_PLANS: JSON.stringify({
    free: { per_minute: 600000, burst: 100000 },
    companies_house: { per_minute: 0.001, burst: 10 },
  }),
};

/** As if the pause were over (the queue would bring the delayed message then). */
const pauseOver = (importId: string) =>
  sqlAs("owner").query("UPDATE imports SET resume_at = now() - interval '1 second' WHERE id = $1", [importId]);

async function companyCount(member: Member) {
  const [row] = (await sqlAs("owner").query("SELECT count(*)::int AS n FROM companies WHERE tenant_id = $1", [
    member.tenant.id,
  ])) as { n: number }[];
  return row?.n;
}

describe("import consumer", () => {
  it("pauses when the shared Companies House budget is spent and resumes later: no row lost or done twice", async () => {
    const editor = await signedIn("editor");
    const numbers = Array.from({ length: 5 }, companyNumber);
    const id = await queuedImport(editor, numbers);

    // 4 requests a company (profile, officers, PSCs, filings): 10 tokens make two, the third stops.
    const first = await deliverImports([id], { env: TIGHT_BUDGET });
    expect(first.explicitAcks).toHaveLength(1);
    const paused = await importOf(editor, id);
    expect(paused).toMatchObject({ status: "paused", paused_reason: "companies_house_unavailable", created: 2 });
    expect(paused).toMatchObject({ failed: 0, pending: 3 });
    expect(paused.resume_at).not.toBeNull();
    // While paused, a message that comes early takes nothing.
    await deliverImports([id]);
    expect((await importOf(editor, id)).status).toBe("paused");

    await pauseOver(id);
    await deliverImports([id]);
    const done = await importOf(editor, id);
    expect(done).toMatchObject({ status: "completed", created: 5, failed: 0, pending: 0 });
    expect((await rowsOf(id)).map((row) => row.status)).toEqual(Array(5).fill("created"));
    expect(await companyCount(editor)).toBe(5);
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(5);
  });

  it("pauses while Companies House is down, keeping the row pending, and carries on once it is back", async () => {
    const editor = await signedIn("editor");
    const [a, down, c] = [companyNumber(), companyNumber(), companyNumber()];
    await fakeCompany(down, { down: true });
    const id = await queuedImport(editor, [a, down, c]);
    await deliverImports([id]);
    const paused = await importOf(editor, id);
    expect(paused).toMatchObject({ status: "paused", created: 1, failed: 0, pending: 2 });
    expect((await rowsOf(id)).map((row) => row.status)).toEqual(["created", "pending", "pending"]);

    await fakeCompany(down, null);
    await pauseOver(id);
    await deliverImports([id]);
    expect(await importOf(editor, id)).toMatchObject({ status: "completed", created: 3, failed: 0 });
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(3);
  });

  it("records an unknown or unreadable company on its row and imports the others", async () => {
    const editor = await signedIn("editor");
    const good = companyNumber();
    const id = await queuedImport(editor, ["00000404", good, "00000502"]);
    await deliverImports([id]);
    const done = await importOf(editor, id);
    expect(done).toMatchObject({ status: "completed", created: 1, failed: 2 });
    expect(done.errors.map((e) => [e.row, e.input, e.type])).toEqual([
      [1, "00000404", "not_found"],
      [3, "00000502", "bad_gateway"],
    ]);
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(1);
  });

  it("works an import once when two messages for it come together", async () => {
    const editor = await signedIn("editor");
    const id = await queuedImport(editor, Array.from({ length: 4 }, companyNumber));
    const result = await deliverImports([id, id]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await importOf(editor, id)).toMatchObject({ status: "completed", created: 4 });
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(4);
  });

  it("works through a large import a chunk per message, handing the rest on", async () => {
    const editor = await signedIn("editor");
    const id = await queuedImport(editor, Array.from({ length: 3 }, companyNumber));
    await deliverImports([id], { env: { IMPORT_ROWS_PER_MESSAGE: "2" } });
    const halfway = await importOf(editor, id);
    // Handed back as queued for the next message (sent to the real queue, which may already be at it).
    expect(halfway.created).toBeGreaterThanOrEqual(2);
    await deliverImports([id], { env: { IMPORT_ROWS_PER_MESSAGE: "2" } });
    for (let i = 0; i < 50 && (await importOf(editor, id)).status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await importOf(editor, id)).toMatchObject({ status: "completed", created: 3 });
    expect(await usedThisMonth(editor.tenant.id, "companies_house_imports")).toBe(3);
  });

  it("leaves a deleted tenant's import alone", async () => {
    const editor = await signedIn("editor");
    const id = await queuedImport(editor, [companyNumber()]);
    await sqlAs("owner").query("UPDATE tenants SET deleted_at = now() WHERE id = $1", [editor.tenant.id]);
    const result = await deliverImports([id]);
    expect(result.explicitAcks).toHaveLength(1);
    const [row] = (await sqlAs("owner").query("SELECT status, created FROM imports WHERE id = $1", [id])) as {
      status: string;
      created: number;
    }[];
    expect(row).toEqual({ status: "queued", created: 0 });
  });
});
