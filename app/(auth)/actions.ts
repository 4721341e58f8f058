"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { echoValues, type ActionState } from "@/lib/auth/action-state";
import { formObject } from "@/lib/auth/action";
import { deleteSessionCookie, sessionTokenFromCookie, setSessionCookie } from "@/lib/auth/cookies";
import { completeSetup, signInWithPassword, signOut } from "@/lib/auth/sign-in";
import { AppError } from "@/lib/errors";
import { logUnexpected } from "@/lib/http/api";
import { clientAddress, safeRedirectPath } from "@/lib/http/request-policy";

function failure(err: unknown, input: Record<string, string>): ActionState {
  const values = echoValues(input);
  if (err instanceof AppError) return { ok: false, message: err.message, fieldErrors: err.fieldErrors, values, at: Date.now() };
  logUnexpected(err);
  return { ok: false, message: "Something went wrong on the server; its log has the details", values, at: Date.now() };
}

export async function loginAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const input = formObject(formData);
  try {
    const h = await headers();
    await setSessionCookie(await signInWithPassword(input, { userAgent: h.get("user-agent"), address: clientAddress(h) }));
  } catch (err) {
    return failure(err, input);
  }
  redirect(safeRedirectPath(input.next));
}

export async function setupAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const input = formObject(formData);
  try {
    await setSessionCookie(await completeSetup(input, (await headers()).get("user-agent")));
  } catch (err) {
    return failure(err, input);
  }
  redirect("/");
}

export async function logoutAction(): Promise<void> {
  await signOut(await sessionTokenFromCookie());
  await deleteSessionCookie();
  redirect("/login");
}
