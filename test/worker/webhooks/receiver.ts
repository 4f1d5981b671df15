import { inject } from "vitest";
import type { ReceivedWebhook, ReceiverMode } from "../../servers/webhook-receiver-types";

/** One named receiver of the local webhook server (test/servers/webhook-receiver.ts). */
export class Receiver {
  readonly name = `r-${crypto.randomUUID().slice(0, 8)}`;
  readonly url = `${inject("webhookReceiverUrl")}/hooks/${this.name}`;
  private readonly control = `${inject("webhookReceiverUrl")}/__control/${this.name}`;

  async set(settings: { mode?: ReceiverMode; secrets?: string[] }): Promise<void> {
    const response = await fetch(this.control, { method: "POST", body: JSON.stringify(settings) });
    await response.body?.cancel();
  }

  async received(): Promise<ReceivedWebhook[]> {
    return (await (await fetch(this.control)).json()) as ReceivedWebhook[];
  }

  /** Waits until at least `count` deliveries arrived (the queue delivers within a second or two). */
  async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = await this.received();
      if (received.length >= count) return received;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${received.length} of ${count} deliveries arrived`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Polls `probe` until it returns a value (not undefined). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
