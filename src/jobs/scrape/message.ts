/** A scrape message carries only the job id: the job's state lives in Postgres. */
export interface ScrapeMessage {
  jobId: string;
}
