import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zod from "zod";
import * as bundledZod from "../../../src/zod/index";

const ROOT = join(import.meta.dirname, "../../..");
/** Issue 12, point 6: the deployed (minified) bundle, gzip -9 (the figure `npm run bench` reports). */
const MAX_GZIP_BYTES = 300 * 1024;
/** What src/zod leaves out on purpose: translations, and z.compile / z.fromJSONSchema, unused here. */
const LEFT_OUT = [
  "locales",
  "compile",
  "compileFn",
  "withParser",
  "INVALID",
  "ZodCompileAsyncError",
  "ZodCompileUnsupportedError",
];
const LEFT_OUT_CLASSIC = [...LEFT_OUT, "fromJSONSchema"];

describe("src/zod (the Worker's zod)", () => {
  it("exports everything zod's entry does except what it leaves out on purpose", () => {
    const missing = Object.keys(zod).filter((name) => !(name in bundledZod) && !LEFT_OUT_CLASSIC.includes(name));
    expect(missing).toEqual([]);
    const missingCore = Object.keys(zod.core).filter((name) => !(name in bundledZod.core) && !LEFT_OUT.includes(name));
    expect(missingCore).toEqual([]);
    expect(Object.keys(bundledZod.z).sort()).toEqual(
      Object.keys(bundledZod)
        .filter((n) => n !== "z" && n !== "default")
        .sort(),
    );
  });

  it("shares zod's own classes (one zod in the bundle, not two)", () => {
    expect(bundledZod.ZodType).toBe(zod.ZodType);
    expect(bundledZod.core.$ZodType).toBe(zod.core.$ZodType);
  });
});

describe("the deployed bundle", () => {
  let outdir: string;
  let bundle: Buffer;
  /** The modules bundled, from the source map wrangler writes beside the (minified) bundle. */
  let sources: string[];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "detecktiv-bundle-"));
    await promisify(execFile)(
      join(ROOT, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--outdir", outdir, "--env", "production"],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
    );
    bundle = readFileSync(join(outdir, "index.js"));
    sources = (JSON.parse(readFileSync(join(outdir, "index.js.map"), "utf8")) as { sources: string[] }).sources;
  }, 60_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it(`stays within ${MAX_GZIP_BYTES / 1024} KiB gzipped`, () => {
    expect(gzipSync(bundle, { level: 9 }).length).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  });

  it("carries zod's English messages and none of its translations", () => {
    const bundled = (path: string) => sources.some((source) => source.endsWith(path));
    expect(bundled("node_modules/zod/v4/locales/en.js")).toBe(true);
    expect(bundled("node_modules/zod/v4/locales/de.js")).toBe(false);
    expect(bundled("node_modules/zod/v4/core/compile.js")).toBe(false);
  });
});
