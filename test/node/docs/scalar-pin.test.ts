import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCALAR_VERSION } from "../../../src/routes/system/docs";

const ROOT = join(import.meta.dirname, "../../..");
const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as Record<string, unknown>;

describe("the API reference UI is pinned", () => {
  it("package.json pins @scalar/api-reference exactly, and the installed copy is that version", () => {
    const { devDependencies } = json("package.json") as { devDependencies: Record<string, string> };
    expect(devDependencies["@scalar/api-reference"]).toBe(SCALAR_VERSION);
    expect(json("node_modules/@scalar/api-reference/package.json").version).toBe(SCALAR_VERSION);
  });

  it("every environment of wrangler.toml uploads it as static assets behind the Worker", () => {
    const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    expect(toml.match(/^directory = "\.\/node_modules\/@scalar\/api-reference\/dist\/browser"$/gm)).toHaveLength(3);
    expect(toml.match(/^binding = "ASSETS"$/gm)).toHaveLength(3);
    expect(toml.match(/^run_worker_first = true$/gm)).toHaveLength(3);
  });
});
