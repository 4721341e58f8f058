"use server";

import { userAction } from "@/lib/auth/action";
import { createKey, revokeKey, updateKey } from "@/lib/keys/queries";

const revalidate = ["/keys", "/"];

/** The secret goes back to the form once, in `data`; only its hash is stored. */
export const createKeyAction = userAction(
  async (principal, input) => {
    const { key, secret } = await createKey({ actor: { userId: principal.userId, role: principal.role }, input });
    return {
      message: `Created key ${key.name}`,
      data: { secret, name: key.name, owner: key.username, allowedProviders: key.allowedProviders.join(",") },
    };
  },
  { revalidate },
);

export const revokeKeyAction = userAction(
  async (principal, { id = "" }) => {
    const key = await revokeKey({ actor: { userId: principal.userId, role: principal.role }, id });
    return { message: `Revoked key ${key.name}` };
  },
  { revalidate },
);

/** Name, providers, expiry and limits together; the edit form always sends all of them. */
export const updateKeyAction = userAction(
  async (principal, { id = "", ...input }) => {
    const key = await updateKey({ actor: { userId: principal.userId, role: principal.role }, id, input });
    return { message: `Saved changes to ${key.name}` };
  },
  { revalidate },
);
