import { describe, expect, it } from "vitest";
import { memberSchema } from "../../../src/routes/members/schemas";
import { workspaceSchema } from "../../../src/routes/workspaces/schemas";
import { signedIn } from "../factories";
import { call, databaseRoundTrips, newRequestId, problemOf, sendAs, sqlAs } from "../harness";

type Member = Awaited<ReturnType<typeof signedIn>>;

const json = async <T>(response: Response, status: number): Promise<T> => {
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
};
const createWorkspace = async (admin: Member, name: string) =>
  workspaceSchema.parse(await json(await sendAs(admin, "POST", "/v1/workspaces", { name }), 201));
const createCompany = async (admin: Member, name: string) =>
  json<{ id: string }>(await sendAs(admin, "POST", "/v1/companies", { name }), 201);
const listed = async (member: Member, path: string) =>
  (await json<{ items: { id: string }[] }>(await call(path, { headers: member.headers }), 200)).items.map((i) => i.id);

describe("workspaces", () => {
  it("are created, listed, renamed and deleted by admins; names are unique per tenant", async () => {
    const admin = await signedIn("admin");
    const north = await createWorkspace(admin, "North");
    expect((await sendAs(admin, "POST", "/v1/workspaces", { name: "north" })).status).toBe(409);
    const renamed = workspaceSchema.parse(
      await json(await sendAs(admin, "PATCH", `/v1/workspaces/${north.id}`, { name: "North West" }), 200),
    );
    expect(renamed.name).toBe("North West");
    expect(await listed(admin, "/v1/workspaces")).toEqual([north.id]);
    const [audit] = await sqlAs("owner").query(
      "SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND target_type = 'workspace'",
      [admin.tenant.id],
    );
    expect(audit).toEqual({ n: 2 });
    expect((await sendAs(admin, "DELETE", `/v1/workspaces/${north.id}`)).status).toBe(204);
    expect((await sendAs(admin, "DELETE", `/v1/workspaces/${north.id}`)).status).toBe(404);
    expect((await sendAs(admin, "POST", "/v1/workspaces", { name: "" })).status).toBe(400);
  });

  it("assignments are idempotent and take only this tenant's members and companies", async () => {
    const admin = await signedIn("admin");
    const viewer = await signedIn("viewer", admin.tenant);
    const north = await createWorkspace(admin, "North");
    const company = await createCompany(admin, "Assigned Ltd");
    for (let i = 0; i < 2; i++) {
      expect((await sendAs(admin, "PUT", `/v1/workspaces/${north.id}/members/${viewer.user.id}`)).status).toBe(204);
      expect((await sendAs(admin, "PUT", `/v1/workspaces/${north.id}/companies/${company.id}`)).status).toBe(204);
    }
    const stranger = await signedIn("owner");
    const strangerCompany = await createCompany(stranger, "Elsewhere Ltd");
    const missing = await sendAs(admin, "PUT", `/v1/workspaces/${north.id}/members/${stranger.user.id}`);
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).detail).toContain("no member");
    expect((await sendAs(admin, "PUT", `/v1/workspaces/${north.id}/companies/${strangerCompany.id}`)).status).toBe(404);
    expect((await sendAs(admin, "PUT", `/v1/workspaces/${crypto.randomUUID()}/companies/${company.id}`)).status).toBe(
      404,
    );
    expect(await listed(admin, `/v1/companies?workspace_id=${north.id}`)).toEqual([company.id]);
    for (let i = 0; i < 2; i++) {
      expect((await sendAs(admin, "DELETE", `/v1/workspaces/${north.id}/companies/${company.id}`)).status).toBe(204);
      expect((await sendAs(admin, "DELETE", `/v1/workspaces/${north.id}/members/${viewer.user.id}`)).status).toBe(204);
    }
    expect(await listed(admin, `/v1/companies?workspace_id=${north.id}`)).toEqual([]);
  });

  it("an assigned member sees and changes only their workspaces' companies, from their next request on", async () => {
    const admin = await signedIn("admin");
    const editor = await signedIn("editor", admin.tenant);
    const [north, south] = [await createWorkspace(admin, "North"), await createWorkspace(admin, "South")];
    const inNorth = await createCompany(admin, "Northern Ltd");
    const inSouth = await createCompany(admin, "Southern Ltd");
    const inBoth = await createCompany(admin, "Everywhere Ltd");
    for (const [w, c] of [
      [north, inNorth],
      [south, inSouth],
      [north, inBoth],
      [south, inBoth],
    ] as const) {
      expect((await sendAs(admin, "PUT", `/v1/workspaces/${w.id}/companies/${c.id}`)).status).toBe(204);
    }
    await sendAs(admin, "PUT", `/v1/workspaces/${north.id}/members/${editor.user.id}`);
    expect(new Set(await listed(editor, "/v1/companies"))).toEqual(new Set([inNorth.id, inSouth.id, inBoth.id]));

    const scoped = await sendAs(admin, "PATCH", `/v1/members/${editor.user.id}`, { workspace_scope: "assigned" });
    expect(memberSchema.parse(await json(scoped, 200))).toMatchObject({ role: "editor", workspace_scope: "assigned" });

    expect(new Set(await listed(editor, "/v1/companies"))).toEqual(new Set([inNorth.id, inBoth.id]));
    expect(await listed(editor, `/v1/companies?workspace_id=${south.id}`)).toEqual([inBoth.id]);
    expect(await listed(editor, "/v1/workspaces")).toEqual([north.id]);
    expect((await call(`/v1/companies/${inSouth.id}`, { headers: editor.headers })).status).toBe(404);
    expect((await sendAs(editor, "PATCH", `/v1/companies/${inSouth.id}`, { name: "Taken" })).status).toBe(404);
    expect((await sendAs(editor, "PATCH", `/v1/companies/${inNorth.id}`, { name: "Northern Two Ltd" })).status).toBe(
      200,
    );
    const contact = { name: "Pat", lawful_basis: "consent" };
    expect((await sendAs(editor, "POST", `/v1/companies/${inSouth.id}/contacts`, contact)).status).toBe(404);
    expect((await sendAs(editor, "POST", `/v1/companies/${inNorth.id}/contacts`, contact)).status).toBe(201);
    // A new company would lie outside every workspace of theirs: refused, not created unseen.
    const created = await sendAs(editor, "POST", "/v1/companies", { name: "Unplaced Ltd" });
    expect(created.status).toBe(403);
    // Likewise an import, whose companies would land in no workspace.
    const imported = await sendAs(editor, "POST", "/v1/imports", { company_numbers: ["09446231"] });
    expect(imported.status).toBe(403);
    expect(
      ((await (await call("/v1/imports", { headers: admin.headers })).json()) as { items: unknown[] }).items,
    ).toEqual([]);

    // Taken off the workspace: nothing left on the very next request.
    await sendAs(admin, "DELETE", `/v1/workspaces/${north.id}/members/${editor.user.id}`);
    expect(await listed(editor, "/v1/companies")).toEqual([]);
    // Promoted to admin: the whole tenant again, whatever scope was stored.
    const promoted = await sendAs(admin, "PATCH", `/v1/members/${editor.user.id}`, { role: "admin" });
    expect(memberSchema.parse(await json(promoted, 200)).workspace_scope).toBe("all");
    expect(await listed(editor, "/v1/companies")).toHaveLength(3);
  });

  it("every workspace request is one database round trip", async () => {
    const admin = await signedIn("admin");
    const viewer = await signedIn("viewer", admin.tenant);
    const company = await createCompany(admin, "Trip Ltd");
    const north = await createWorkspace(admin, "North");
    const requests: [string, string, unknown?][] = [
      ["GET", "/v1/workspaces"],
      ["POST", "/v1/workspaces", { name: "South" }],
      ["PATCH", `/v1/workspaces/${north.id}`, { name: "North East" }],
      ["PUT", `/v1/workspaces/${north.id}/members/${viewer.user.id}`],
      ["PUT", `/v1/workspaces/${north.id}/companies/${company.id}`],
      ["GET", `/v1/companies?workspace_id=${north.id}`],
      ["GET", `/v1/scrape-jobs?workspace_id=${north.id}`],
      ["DELETE", `/v1/workspaces/${north.id}/companies/${company.id}`],
      ["DELETE", `/v1/workspaces/${north.id}/members/${viewer.user.id}`],
      ["DELETE", `/v1/workspaces/${north.id}`],
    ];
    for (const [method, path, body] of requests) {
      const requestId = newRequestId();
      const response = await sendAs(admin, method, path, body, { "X-Request-Id": requestId });
      expect(response.status, `${method} ${path}`).toBeLessThan(300);
      expect(await databaseRoundTrips(requestId), `${method} ${path}`).toBe(1);
    }
  });
});
