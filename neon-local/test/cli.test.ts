/**
 * The CLI (neon-local/main.ts): starts, prints its endpoint, stops
 * cleanly on SIGTERM, and a PGlite data directory keeps its data across restarts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, describe, expect, it } from "vitest";

const MAIN = resolve(import.meta.dirname, "../main.ts");

interface Cli {
  child: ChildProcess;
  endpoint: string;
  output: () => string;
}

function startCli(args: string[]): Promise<Cli> {
  // Run under the same Node as the tests, with tsx's loader for TypeScript.
  const env = { ...process.env };
  delete env.DATABASE_URL; // would select the postgres backend
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--port", "0", ...args], { env });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+\/sql)/.exec(output);
      if (match?.[1]) resolvePromise({ child, endpoint: match[1], output: () => output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`neon-local exited early (${code}): ${output}`)));
  });
}

function stop(cli: Cli): Promise<number | null> {
  return new Promise((resolvePromise) => {
    if (cli.child.exitCode !== null) return resolvePromise(cli.child.exitCode);
    cli.child.once("exit", (code) => resolvePromise(code));
    cli.child.kill("SIGTERM");
  });
}

describe("neon-local CLI (pglite data directory)", () => {
  const dir = mkdtempSync(join(tmpdir(), "neon-local-"));
  const running: Cli[] = [];
  afterAll(async () => {
    await Promise.all(running.map(stop));
    rmSync(dir, { recursive: true, force: true });
  });

  const query = (cli: Cli) => {
    neonConfig.fetchEndpoint = cli.endpoint;
    return neon("postgres://postgres:local@localhost/neondb");
  };

  it("persists data across a SIGTERM restart and logs requests without values", async () => {
    const first = await startCli(["--data-dir", join(dir, "pglite")]);
    running.push(first);
    expect(first.output()).toContain("neon-local (pglite,");
    const sql = query(first);
    await sql.query("CREATE TABLE kept (v text)");
    await sql.query("INSERT INTO kept VALUES ($1)", ["secret-value@example.test"]);
    expect(await stop(first)).toBe(0);
    expect(first.output()).toMatch(/POST \/sql 200 \d+ms 1q/);
    expect(first.output()).not.toContain("secret-value");

    const second = await startCli(["--data-dir", join(dir, "pglite"), "--quiet"]);
    running.push(second);
    expect(await query(second).query("SELECT v FROM kept")).toEqual([{ v: "secret-value@example.test" }]);
    expect(await stop(second)).toBe(0);
  });
});
