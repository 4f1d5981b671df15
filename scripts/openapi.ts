// Writes the published contract: client/openapi.json and its TypeScript types client/openapi.d.ts.
// CI fails when they are not current (test/node/openapi/client-types.test.ts): run this after
// changing a route.
import { writeFileSync } from "node:fs";
import { DOCUMENT_PATH, documentText, TYPES_PATH, typesText } from "../client/generate";

const document = documentText();
writeFileSync(DOCUMENT_PATH, document);
writeFileSync(TYPES_PATH, await typesText(document));
console.log(`wrote ${DOCUMENT_PATH} and ${TYPES_PATH}`);
