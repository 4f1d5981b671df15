/**
 * A local webhook receiver for the Worker tests. Every receiver is a path, `/hooks/<name>`,
 * configured and read through `/__control/<name>`: which secrets to verify with (each delivery is
 * checked with the `standardwebhooks` package, not our code) and how to answer (`ok` 200,
 * `fail` 500, `gone` 410, `down`: the connection is dropped, `slow`: no answer for 5 s).
 */
export type ReceiverMode = "ok" | "fail" | "gone" | "down" | "slow";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** Per configured secret: whether `Webhook.verify` accepted the delivery. */
  verified: boolean[];
  answered: number | "dropped";
}
