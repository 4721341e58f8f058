"use server";

import { adminAction } from "@/lib/auth/action";
import { updateUserLimits } from "@/lib/limits/queries";
import { createUser, deleteUser, linkServiceToken, resetPassword, unlinkServiceToken, updateUser } from "@/lib/users/queries";

const revalidate = ["/users"];

export const createUserAction = adminAction(
  async (_principal, input) => {
    const user = await createUser(input);
    return { message: `Added ${user.username}` };
  },
  { revalidate },
);

/** Sends email ("" clears it) and role together; the edit form always has both. */
export const updateUserAction = adminAction(
  async (_principal, { id = "", email, role }) => {
    const user = await updateUser({ id, input: { email, role } });
    return { message: `Saved changes to ${user.username}` };
  },
  { revalidate },
);

export const resetPasswordAction = adminAction(
  async (principal, { id = "", password }) => {
    await resetPassword({ id, password, by: principal.userId });
    return { message: "Password changed; their sessions were signed out" };
  },
  { revalidate },
);

export const deleteUserAction = adminAction(
  async (_principal, { id = "" }) => {
    await deleteUser({ id });
    return { message: "User deleted" };
  },
  { revalidate: [...revalidate, "/keys"] },
);

export const linkServiceTokenAction = adminAction(
  async (_principal, { userId = "", clientId, name }) => {
    const token = await linkServiceToken({ userId, clientId, name });
    return { message: `Linked service token ${token.name}` };
  },
  { revalidate },
);

export const unlinkServiceTokenAction = adminAction(
  async (_principal, { id = "" }) => {
    await unlinkServiceToken({ id });
    return { message: "Service token unlinked" };
  },
  { revalidate },
);

/** A user's budget and rate limits (across all their keys); the form sends every field. */
export const updateUserLimitsAction = adminAction(
  async (_principal, { id = "", ...input }) => {
    await updateUserLimits({ id, input });
    return { message: "Saved the user's limits" };
  },
  { revalidate: [...revalidate, "/keys"] },
);
