"use server";

import { userAction } from "@/lib/auth/action";
import { deletePasskey, renamePasskey } from "@/lib/credentials/passkeys";
import { changeOwnPassword } from "@/lib/credentials/passwords";
import { endSession } from "@/lib/credentials/sessions";

const revalidate = ["/account"];

export const changePasswordAction = userAction(
  async (principal, { currentPassword, newPassword }) => {
    const { endedSessions } = await changeOwnPassword({ userId: principal.userId, sessionId: principal.sessionId, input: { currentPassword, newPassword } });
    const others = endedSessions === 0 ? "" : endedSessions === 1 ? "; your other session was signed out" : `; your ${endedSessions} other sessions were signed out`;
    return { message: `Password changed${others}` };
  },
  { revalidate },
);

export const endSessionAction = userAction(
  async (principal, { id = "" }) => {
    await endSession({ userId: principal.userId, sessionId: id });
    return { message: "Session ended; that browser is signed out" };
  },
  { revalidate },
);

export const renamePasskeyAction = userAction(
  async (principal, { id = "", name }) => {
    const passkey = await renamePasskey({ userId: principal.userId, id, name });
    return { message: `Renamed to ${passkey.name}` };
  },
  { revalidate },
);

export const deletePasskeyAction = userAction(
  async (principal, { id = "" }) => {
    const passkey = await deletePasskey({ userId: principal.userId, id });
    return { message: `Deleted passkey ${passkey.name}` };
  },
  { revalidate },
);
