import "server-only";
import { revalidatePath } from "next/cache";
import { AppError } from "@/lib/errors";
import { logUnexpected } from "@/lib/http/api";
import { echoValues, type ActionState } from "./action-state";
import type { Principal } from "./principal";
import { requireAdmin, requireUser } from "./dal";

/** FormData → plain object, without React's `$ACTION_…` fields. */
export function formObject(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of formData) {
    // NUL cannot be typed, and Postgres text cannot hold it.
    if (!name.startsWith("$ACTION") && typeof value === "string") out[name] = value.replace(/\u0000/g, "");
  }
  return out;
}

type ActionBody = (principal: Principal, input: Record<string, string>) => Promise<{ message?: string; data?: Record<string, string> } | void>;

/**
 * The one wrapper for server actions (server actions are public endpoints): authorise,
 * hand the form to one domain function, revalidate, and turn errors into form state.
 * Domain functions validate with zod; their field errors come back per input.
 */
function action(authorize: () => Promise<Principal>, body: ActionBody, revalidate: string[]) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const input = formObject(formData);
    try {
      const principal = await authorize();
      const result = (await body(principal, input)) ?? {};
      for (const path of revalidate) revalidatePath(path);
      return { ok: true, message: result.message, data: result.data, at: Date.now() };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, message: err.message, fieldErrors: err.fieldErrors, values: echoValues(input), at: Date.now() };
      logUnexpected(err);
      return { ok: false, message: "Something went wrong on the server; its log has the details", values: echoValues(input), at: Date.now() };
    }
  };
}

/** A server action any signed-in user may call. */
export function userAction(body: ActionBody, { revalidate = [] as string[] } = {}) {
  return action(requireUser, body, revalidate);
}

/** A server action only admins may call. */
export function adminAction(body: ActionBody, { revalidate = [] as string[] } = {}) {
  return action(requireAdmin, body, revalidate);
}
