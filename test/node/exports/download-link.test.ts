import { describe, expect, it } from "vitest";
import { signDownload, verifyDownload } from "../../../src/exports/download-link";

const secret = "test-export-link-secret-0123456789";
const id = "0b9a3c4e-1f2d-4e5a-8b6c-7d8e9f0a1b2c";

describe("export download links", () => {
  it("accepts its own signature until the expiry", async () => {
    const expires = 2_000_000_000;
    const signature = await signDownload(secret, id, expires);
    expect(await verifyDownload(secret, id, expires, signature, expires - 1)).toBe(true);
    expect(await verifyDownload(secret, id, expires, signature, expires + 1)).toBe(false);
  });

  it("refuses another export's id, a moved expiry, another secret and garbage", async () => {
    const expires = 2_000_000_000;
    const signature = await signDownload(secret, id, expires);
    const now = expires - 60;
    expect(await verifyDownload(secret, id.replace("0b9a", "1b9a"), expires, signature, now)).toBe(false);
    expect(await verifyDownload(secret, id, expires + 3600, signature, now)).toBe(false);
    expect(await verifyDownload("another-secret-0123456789abcdef", id, expires, signature, now)).toBe(false);
    expect(await verifyDownload(secret, id, expires, "zz", now)).toBe(false);
    expect(await verifyDownload(secret, id, Number.NaN, signature, now)).toBe(false);
  });
});
