"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { publicAction } from "@/lib/auth/action";
import { deleteSessionCookie, sessionTokenFromCookie, setSessionCookie } from "@/lib/auth/cookies";
import { completeSetup, signInWithPassword, signOut } from "@/lib/auth/sign-in";
import { clientAddress, safeRedirectPath } from "@/lib/http/request-policy";

export const loginAction = publicAction(async (input) => {
  const h = await headers();
  await setSessionCookie(await signInWithPassword(input, { userAgent: h.get("user-agent"), address: clientAddress(h) }));
  return { redirectTo: safeRedirectPath(input.next) };
});

export const setupAction = publicAction(async (input) => {
  await setSessionCookie(await completeSetup(input, (await headers()).get("user-agent")));
  return { redirectTo: "/" };
});

// Takes no argument: whatever a caller posts is ignored.
export async function logoutAction(): Promise<void> {
  await signOut(await sessionTokenFromCookie());
  await deleteSessionCookie();
  redirect("/login");
}
