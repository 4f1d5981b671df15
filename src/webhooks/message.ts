/** A webhook queue message names one delivery; its state is in Postgres. */
export interface WebhookMessage {
  deliveryId: string;
}
