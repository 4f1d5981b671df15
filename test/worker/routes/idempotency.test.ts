import { describe, expect, it } from "vitest";
import { signedIn } from "../factories";
import { databaseRoundTrips, newRequestId, problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

const newKey = () => ({ "Idempotency-Key": `key-${crypto.randomUUID()}` });
const companyNumber = () => String(10_000_000 + Math.floor(Math.random() * 89_999_999));

async function countRows(table: "companies" | "contacts", member: Member) {
  const [row] = await sqlAs("owner").query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [
    member.tenant.id,
  ]);
  return (row as { n: number }).n;
}

async function createCompany(member: Member) {
  const response = await sendAs(member, "POST", "/v1/companies", { name: "Keyed Ltd" });
  return (await response.json()) as { id: string };
}

describe("Idempotency-Key on POSTs", () => {
  it("costs no extra round trip on first use, and one more on a replay", async () => {
    const editor = await signedIn("editor");
    const key = newKey();
    const first = newRequestId();
    expect(
      (await sendAs(editor, "POST", "/v1/companies", { name: "Trips" }, { ...key, "X-Request-Id": first })).status,
    ).toBe(201);
    expect(await databaseRoundTrips(first)).toBe(1);
    const replay = newRequestId();
    expect(
      (await sendAs(editor, "POST", "/v1/companies", { name: "Trips" }, { ...key, "X-Request-Id": replay })).status,
    ).toBe(201);
    expect(await databaseRoundTrips(replay)).toBe(2);
  });

  it("replays a contact's creation, and refuses another body with a 422 that writes nothing", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor);
    const path = `/v1/companies/${company.id}/contacts`;
    const body = { name: "Ada Lovelace", email: "ada@example.co.uk", lawful_basis: "legitimate_interests" };
    const key = newKey();
    const first = await sendAs(editor, "POST", path, body, key);
    expect(first.status).toBe(201);
    const created = await first.json();
    const again = await sendAs(editor, "POST", path, body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(await again.json()).toEqual(created);

    const other = await sendAs(editor, "POST", path, { ...body, name: "Someone Else" }, key);
    expect(other.status).toBe(422);
    expect((await problemOf(other)).errors?.map((e) => e.field)).toEqual(["header.idempotency-key"]);
    expect(await countRows("contacts", editor)).toBe(1);
  });

  it("treats the same key on another route as another request (422)", async () => {
    const editor = await signedIn("editor");
    const company = await createCompany(editor);
    const key = newKey();
    expect((await sendAs(editor, "POST", "/v1/companies", { name: "Route A" }, key)).status).toBe(201);
    const elsewhere = await sendAs(
      editor,
      "POST",
      `/v1/companies/${company.id}/contacts`,
      { name: "Route B", lawful_basis: "consent" },
      key,
    );
    expect(elsewhere.status).toBe(422);
    expect(await countRows("contacts", editor)).toBe(0);
  });

  it("replays a Companies House import without writing twice", async () => {
    const editor = await signedIn("editor");
    const key = newKey();
    const body = { company_number: companyNumber() };
    const first = await sendAs(editor, "POST", "/v1/companies/import", body, key);
    expect(first.status).toBe(201);
    const imported = await first.json();
    expect(imported).toMatchObject({ officers_imported: 2, pscs_imported: 1, changes_recorded: 0 });
    const again = await sendAs(editor, "POST", "/v1/companies/import", body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(imported);
    // Without the key, importing again is an update (200), not a replay.
    const update = await sendAs(editor, "POST", "/v1/companies/import", body);
    expect(update.status).toBe(200);
    expect(update.headers.get("idempotent-replayed")).toBeNull();
    expect(await countRows("companies", editor)).toBe(1);
    // Two officers and the individual with significant control.
    expect(await countRows("contacts", editor)).toBe(3);
  });

  it("does not remember a request that created nothing: after a 409, the key may be used again", async () => {
    const editor = await signedIn("editor");
    const n = companyNumber();
    const existing = await sendAs(editor, "POST", "/v1/companies", { name: "Holder", company_number: n });
    const key = newKey();
    const clash = await sendAs(editor, "POST", "/v1/companies", { name: "Clash", company_number: n }, key);
    expect(clash.status).toBe(409);
    const existingBody = (await existing.json()) as { id: string };
    await sendAs(editor, "DELETE", `/v1/companies/${existingBody.id}`);
    await sqlAs("owner").query("DELETE FROM companies WHERE id = $1", [existingBody.id]);
    const retry = await sendAs(editor, "POST", "/v1/companies", { name: "Clash", company_number: n }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it("lets concurrent uses of one key create exactly one resource: others replay it or get a 409 to retry", async () => {
    const editor = await signedIn("editor");
    const key = newKey();
    const body = { name: "Raced Ltd", company_number: companyNumber() };
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => sendAs(editor, "POST", "/v1/companies", body, key)),
    );
    // A use that meets the first one still running is a 409 to retry; one that comes after it
    // commits is a replay.
    const created = responses.filter((r) => r.status === 201 && !r.headers.get("idempotent-replayed"));
    expect(created).toHaveLength(1);
    const [first] = created;
    if (!first) throw new Error("nothing created");
    const { id } = (await first.json()) as { id: string };
    for (const response of responses) {
      if (response === first) continue;
      if (response.status === 409) {
        expect(response.headers.get("retry-after")).toBe("1");
      } else {
        expect(response.status).toBe(201);
        expect(((await response.json()) as { id: string }).id).toBe(id);
      }
    }
    expect(await countRows("companies", editor)).toBe(1);
  });

  it("lets an expired key be used again", async () => {
    const editor = await signedIn("editor");
    const key = newKey();
    const first = (await (await sendAs(editor, "POST", "/v1/companies", { name: "Old" }, key)).json()) as {
      id: string;
    };
    await sqlAs("owner").query(
      "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND key = $2",
      [editor.tenant.id, key["Idempotency-Key"]],
    );
    const fresh = await sendAs(editor, "POST", "/v1/companies", { name: "New" }, key);
    expect(fresh.status).toBe(201);
    expect(((await fresh.json()) as { id: string }).id).not.toBe(first.id);
  });
});
