import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ObjectWriter } from "../../../src/exports/file-writer";

const MiB = 1024 * 1024;
const metadata = { contentType: "text/csv; charset=utf-8", contentDisposition: 'attachment; filename="t.csv"' };
const key = () => `test/${crypto.randomUUID()}.csv`;
/** A line of text `n` bytes long, different for each `i`, so a misplaced part would show. */
const line = (i: number, n: number) => `${String(i).padStart(8, "0")},${"x".repeat(n - 10)}\n`;

describe("ObjectWriter (R2, page by page)", () => {
  it("writes a large file as equal parts and completes it only at the end", async () => {
    const name = key();
    const writer = new ObjectWriter(env.EXPORTS_BUCKET, name, metadata, 5 * MiB);
    const lines: string[] = [];
    // 11 MiB in pages of 64 KiB: two full parts and a last, shorter one.
    for (let i = 0; i < 176; i++) {
      const page = line(i, 64 * 1024);
      lines.push(page);
      await writer.write(page);
      if (i === 100) expect(await env.EXPORTS_BUCKET.head(name)).toBeNull();
    }
    expect(await writer.finish()).toBe(11 * MiB);
    const object = await env.EXPORTS_BUCKET.get(name);
    expect(object?.size).toBe(11 * MiB);
    expect(object?.httpMetadata?.contentType).toBe(metadata.contentType);
    expect(await object?.text()).toBe(lines.join(""));
  });

  it("a small file is one put; an aborted one leaves nothing", async () => {
    const small = key();
    const writer = new ObjectWriter(env.EXPORTS_BUCKET, small, metadata, 5 * MiB);
    await writer.write("id,name\r\n");
    await writer.write("");
    await writer.write("1,Acme\r\n");
    expect(await writer.finish()).toBe(17);
    expect(await (await env.EXPORTS_BUCKET.get(small))?.text()).toBe("id,name\r\n1,Acme\r\n");

    const cut = key();
    const aborted = new ObjectWriter(env.EXPORTS_BUCKET, cut, metadata, 5 * MiB);
    await aborted.write(line(0, 6 * MiB));
    await aborted.abort();
    expect(await env.EXPORTS_BUCKET.head(cut)).toBeNull();
  });
});
