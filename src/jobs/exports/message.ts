/** An export message carries only the export's id: the job's state lives in Postgres. */
export interface ExportMessage {
  exportId: string;
}
