/** A usage report to send to Stripe's billing meter events; the report id is the event's identifier. */
export interface BillingMessage {
  kind: "usage_report";
  reportId: string;
}
