/** An import message carries only the import's id: its rows and progress live in Postgres. */
export interface ImportMessage {
  importId: string;
}
