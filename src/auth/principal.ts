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
      /**
       * The claim named an identity provider's organisation (`org_…`) instead of a tenant id: the
       * database resolves it (app.external_tenant). `role`: the token's role claim, mapped.
       */
      organization?: { issuer: string; id: string; role: "admin" | "editor" | "viewer" | null };
    }
  | {
      kind: "api_key";
      /** SHA-256 of the presented key, hex; the key itself never leaves the edge. */
      keyHash: string;
      /** The tenant the key names (verified by the database against the hash). */
      tenantId: string;
    };
