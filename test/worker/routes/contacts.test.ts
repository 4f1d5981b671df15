import { describe, expect, it } from "vitest";
import { contactSchema } from "../../../src/routes/contacts/schemas";
import { signedIn } from "../factories";
import { problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

async function companyOf(member: Member) {
  const response = await sendAs(member, "POST", "/v1/companies", {
    name: `Contacts Co ${crypto.randomUUID().slice(0, 6)}`,
  });
  return (await response.json()) as { id: string };
}

const alice = {
  name: "Alice Example",
  job_title: "Head of IT",
  email: "Alice@Example.co.uk",
  phone: "+44 (0)20 7946-0000",
  lawful_basis: "legitimate_interests",
  source_url: "https://example.co.uk/team",
};

describe("contacts", () => {
  it("adds a contact with its provenance, normalising email and phone, audited without personal data", async () => {
    const editor = await signedIn("editor");
    const company = await companyOf(editor);
    const response = await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, alice);
    expect(response.status).toBe(201);
    const contact = contactSchema.parse(await response.json());
    expect(contact).toMatchObject({
      company_id: company.id,
      email: "alice@example.co.uk",
      phone: "+4402079460000",
      provenance: { lawful_basis: "legitimate_interests", source: "manual", source_url: "https://example.co.uk/team" },
    });
    const [entry] = await sqlAs("owner").query(
      "SELECT metadata FROM audit_log WHERE action = 'contact.created' AND target_id = $1",
      [contact.id],
    );
    expect(JSON.stringify(entry?.metadata)).not.toContain("alice");
  });

  it.each([
    [{ ...alice, lawful_basis: undefined }, "body.lawful_basis"],
    [{ ...alice, email: "not-an-email" }, "body.email"],
    [{ ...alice, phone: "call me" }, "body.phone"],
    [{ ...alice, lawful_basis: "because" }, "body.lawful_basis"],
  ])("rejects %j with a 400 naming the field", async (body, field) => {
    const editor = await signedIn("editor");
    const company = await companyOf(editor);
    const response = await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, body);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
  });

  it("keeps emails unique per company (409) but not across companies", async () => {
    const editor = await signedIn("editor");
    const [one, two] = [await companyOf(editor), await companyOf(editor)];
    expect((await sendAs(editor, "POST", `/v1/companies/${one.id}/contacts`, alice)).status).toBe(201);
    expect((await sendAs(editor, "POST", `/v1/companies/${one.id}/contacts`, { ...alice, name: "Again" })).status).toBe(
      409,
    );
    expect((await sendAs(editor, "POST", `/v1/companies/${two.id}/contacts`, alice)).status).toBe(201);
  });

  it("lists a company's contacts, pages them, and 404s for an unknown company", async () => {
    const editor = await signedIn("editor");
    const company = await companyOf(editor);
    for (const n of [1, 2, 3]) {
      await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, { ...alice, email: `p${n}@example.co.uk` });
    }
    const first = (await (await sendAs(editor, "GET", `/v1/companies/${company.id}/contacts?limit=2`)).json()) as {
      items: unknown[];
      next_cursor: string;
    };
    expect(first.items).toHaveLength(2);
    const second = (await (
      await sendAs(editor, "GET", `/v1/companies/${company.id}/contacts?limit=2&cursor=${first.next_cursor}`)
    ).json()) as { items: unknown[]; next_cursor: string | null };
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect((await sendAs(editor, "GET", `/v1/companies/${crypto.randomUUID()}/contacts`)).status).toBe(404);
    expect((await sendAs(editor, "POST", `/v1/companies/${crypto.randomUUID()}/contacts`, alice)).status).toBe(404);
  });

  it("rectifies with If-Match (stale: 412) and deletes", async () => {
    const editor = await signedIn("editor");
    const company = await companyOf(editor);
    const contact = contactSchema.parse(
      await (await sendAs(editor, "POST", `/v1/companies/${company.id}/contacts`, alice)).json(),
    );
    const fixed = await sendAs(
      editor,
      "PATCH",
      `/v1/contacts/${contact.id}`,
      { job_title: "CTO" },
      { "If-Match": `"${contact.id}.1"` },
    );
    expect(fixed.status).toBe(200);
    expect(contactSchema.parse(await fixed.json())).toMatchObject({ job_title: "CTO", version: 2 });
    const stale = await sendAs(
      editor,
      "PATCH",
      `/v1/contacts/${contact.id}`,
      { job_title: "CEO" },
      { "If-Match": `"${contact.id}.1"` },
    );
    expect(stale.status).toBe(412);
    expect((await sendAs(editor, "DELETE", `/v1/contacts/${contact.id}`)).status).toBe(204);
    expect((await sendAs(editor, "GET", `/v1/contacts/${contact.id}`)).status).toBe(404);
  });
});
