/** Who is calling, as established at the edge; Postgres then decides what they may do. */
export type Principal =
  | {
      kind: "user";
      /** The JWT `sub`. */
      subject: string;
      email: string | null;
      name: string | null;
      /** From the configured tenant claim, when the token carries one. */
      tenantId: string | null;
    }
  | {
      kind: "api_key";
      /** SHA-256 of the presented key, hex; the key itself never leaves the edge. */
      keyHash: string;
      /** The tenant the key names (verified by the database against the hash). */
      tenantId: string;
    };
