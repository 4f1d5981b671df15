import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childProcesses, commandLine, listeningPorts, processCpuMs, threadCpuMs } from "../process-cpu";

/** The /proc readings the api-throughput bench divides by request counts. */
describe("process CPU and sockets from /proc", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("finds the port a process listens on, and only listening ones", () => {
    const ports = listeningPorts(process.pid);
    expect(ports).toContain(port);
    expect(ports.every((value) => Number.isInteger(value) && value > 0 && value < 65536)).toBe(true);
  });

  it("counts CPU a process burns, for the process and its main thread", () => {
    const before = processCpuMs(process.pid);
    const mainBefore = threadCpuMs(process.pid, process.pid);
    // Spin until the kernel has charged 50 ms (a busy machine may take longer than 50 ms of wall
    // time to give them); the bound only keeps a broken reading from hanging the test.
    const bound = Date.now() + 20_000;
    while (processCpuMs(process.pid) - before < 50 && Date.now() < bound) Math.sqrt(Math.random());
    expect(processCpuMs(process.pid) - before).toBeGreaterThanOrEqual(50);
    expect(threadCpuMs(process.pid, process.pid) - mainBefore).toBeGreaterThan(0);
  });

  it("reads 0 for a process that is gone, instead of failing the bench", async () => {
    const child = spawn("true");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(processCpuMs(child.pid ?? -1)).toBe(0);
  });

  it("lists children by command name with their command line", async () => {
    const child = spawn("sleep", ["30"]);
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      expect(childProcesses(process.pid, "sleep")).toContain(child.pid);
      expect(childProcesses(process.pid, "no-such-command")).toEqual([]);
      expect(commandLine(child.pid ?? -1)).toEqual(["sleep", "30"]);
    } finally {
      child.kill();
    }
  });
});
