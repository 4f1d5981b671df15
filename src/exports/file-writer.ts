/**
 * R2 multipart uploads take parts of one size (at least 5 MiB) but the last: the file is cut into
 * parts of exactly this size as it is written, so an export holds at most about two parts in
 * memory however large it is.
 */
export const PART_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Writes one object to R2 as it is produced. Nothing is visible under `key` until `finish()`
 * completes the upload (a small file is one put), so a cut-off attempt never leaves a partial
 * file that looks complete; `abort()` drops the parts uploaded so far.
 */
export class ObjectWriter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];
  bytes = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly httpMetadata: R2HTTPMetadata,
    private readonly partBytes = PART_BYTES,
  ) {}

  async write(text: string): Promise<void> {
    if (text === "") return;
    const bytes = encoder.encode(text);
    this.chunks.push(bytes);
    this.buffered += bytes.byteLength;
    this.bytes += bytes.byteLength;
    while (this.buffered >= this.partBytes) await this.uploadPart(this.take(this.partBytes));
  }

  /** Completes the object; returns its size in bytes. */
  async finish(): Promise<number> {
    const rest = this.take(this.buffered);
    if (this.upload) {
      if (rest.byteLength > 0 || this.parts.length === 0) await this.uploadPart(rest);
      await this.upload.complete(this.parts);
    } else {
      await this.bucket.put(this.key, rest, { httpMetadata: this.httpMetadata });
    }
    return this.bytes;
  }

  async abort(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    await this.upload?.abort();
  }

  private async uploadPart(bytes: Uint8Array): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: this.httpMetadata });
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, bytes));
  }

  /** The first `n` buffered bytes as one array; the rest stays buffered. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      if (!chunk) break;
      const used = Math.min(chunk.byteLength, n - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.buffered -= filled;
    return out;
  }
}
