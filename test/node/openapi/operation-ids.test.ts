import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { buildOpenApiDocument } from "../../../src/openapi/document";
import { type Document, operationsOf, ROOT } from "./document";

// Built from the route definitions, not read from client/openapi.json: a new route without an
// operationId fails here even before anyone regenerates the committed document.
const document = buildOpenApiDocument(createApp()) as unknown as Document;
const operations = operationsOf(document);

/** `| \`operationId\` | \`METHOD /path\` |` rows of the README's operation table. */
function readmeOperations(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const rows = [...readme.matchAll(/^\| `([A-Za-z0-9]+)` \| `([A-Z]+ \S+)` \|/gm)];
  return new Map(rows.map(([, id, route]) => [id as string, route as string]));
}

describe("operationIds", () => {
  it("every operation has a camelCase operationId", () => {
    const missing = operations.filter(({ operation }) => !operation.operationId);
    expect(missing.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    for (const { operation } of operations) expect(operation.operationId).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });

  it("operationIds are unique", () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the README lists every operationId with its method and path (they are a published contract)", () => {
    const published = new Map(
      operations.map(({ method, path, operation }) => [operation.operationId, `${method} ${path}`]),
    );
    expect(Object.fromEntries(readmeOperations())).toEqual(Object.fromEntries(published));
  });
});
