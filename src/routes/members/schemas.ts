import { z } from "@hono/zod-openapi";
import { ROLES, type Role } from "../../db/schema/memberships";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const memberSchema = z
  .object({
    user_id: z.uuid(),
    email: z.string().max(320).nullable(),
    name: z.string().max(200).nullable(),
    role: z.enum(ROLES),
    joined_at: timestampSchema,
  })
  .openapi("Member");

export type MemberBody = z.infer<typeof memberSchema>;

export const userIdParamSchema = z.object({
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});

export function memberBody(row: {
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  createdAt: string;
}): MemberBody {
  return {
    user_id: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    joined_at: isoTimestamp(row.createdAt),
  };
}
