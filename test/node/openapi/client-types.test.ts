import { describe, expect, it } from "vitest";
import { committed, DOCUMENT_PATH, documentText, TYPES_PATH, typesText } from "../../../client/generate";

// The committed contract is what clients take: it must be what the routes make today.
describe("client/ holds the current contract (run `npm run openapi` after changing a route)", () => {
  const document = documentText();

  it("client/openapi.json is the document the route definitions produce", () => {
    expect(committed(DOCUMENT_PATH) === document, "client/openapi.json is stale: run `npm run openapi`").toBe(true);
  });

  it("client/openapi.d.ts is what openapi-typescript makes of it", { timeout: 30_000 }, async () => {
    const types = await typesText(document);
    expect(committed(TYPES_PATH) === types, "client/openapi.d.ts is stale: run `npm run openapi`").toBe(true);
  });
});
