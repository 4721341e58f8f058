import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { logUnexpected } from "@/lib/http/api";
import { echoValues, type ActionState } from "./action-state";
import type { Principal } from "./principal";
import { requireAdmin, requireUser } from "./dal";

/**
 * FormData → plain object, without React's `$ACTION_…` fields. Values are kept as sent:
 * the domain's zod schemas refuse NUL and control characters with a message, as the REST
 * API does (stripping them would store something other than what was typed).
 * @throws {AppError} validation when `formData` is not FormData: server actions are public
 *   endpoints, and anyone can post `[]`, `null` or a number as the argument.
 */
export function formObject(formData: unknown): Record<string, string> {
  if (!(formData instanceof FormData)) {
    throw new AppError("validation", "This action takes its form's fields (multipart form data); submit the form, or use the REST API (docs/api.md)");
  }
  const out: Record<string, string> = {};
  for (const [name, value] of formData) {
    if (!name.startsWith("$ACTION") && typeof value === "string") out[name] = value;
  }
  return out;
}

/** What an action's body may hand back: a message and data for the form, or a same-site path to go to. */
export type ActionOutcome = { message?: string; data?: Record<string, string>; redirectTo?: string } | void;
type ActionBody = (principal: Principal, input: Record<string, string>) => Promise<ActionOutcome>;
type PublicActionBody = (input: Record<string, string>) => Promise<ActionOutcome>;

/** The `(previous state, form data)` signature `useActionState` calls; both are untrusted. */
export type FormAction = (prev: unknown, formData: unknown) => Promise<ActionState>;

const UNEXPECTED = "Something went wrong on the server; its log has the details";

/**
 * The one wrapper for server actions (server actions are public endpoints): check the
 * argument is form data, authorise, hand the form to one domain function, revalidate, and
 * turn errors into form state. Domain functions validate with zod; their field errors come
 * back per input. A `redirectTo` is followed after the try, where Next.js's redirect signal
 * is not mistaken for an error.
 */
function action(authorize: (() => Promise<Principal>) | null, body: (principal: Principal | null, input: Record<string, string>) => Promise<ActionOutcome>, revalidate: string[]): FormAction {
  return async (_prev, formData) => {
    let input: Record<string, string> = {};
    let outcome: ActionOutcome;
    try {
      input = formObject(formData);
      const principal = authorize ? await authorize() : null;
      outcome = (await body(principal, input)) ?? {};
      for (const path of revalidate) revalidatePath(path);
    } catch (err) {
      if (err instanceof AppError) return { ok: false, message: err.message, fieldErrors: err.fieldErrors, values: echoValues(input), at: Date.now() };
      logUnexpected(err);
      return { ok: false, message: UNEXPECTED, values: echoValues(input), at: Date.now() };
    }
    if (outcome?.redirectTo) redirect(outcome.redirectTo);
    return { ok: true, message: outcome?.message, data: outcome?.data, at: Date.now() };
  };
}

/** A server action any signed-in user may call. */
export function userAction(body: ActionBody, { revalidate = [] as string[] } = {}): FormAction {
  return action(requireUser, (p, input) => body(p!, input), revalidate);
}

/** A server action only admins may call. */
export function adminAction(body: ActionBody, { revalidate = [] as string[] } = {}): FormAction {
  return action(requireAdmin, (p, input) => body(p!, input), revalidate);
}

/**
 * A server action anyone may call (sign-in and first-run setup): the same argument check
 * and error handling, no principal. Its body authorises by what it does (a password, an
 * empty users table).
 */
export function publicAction(body: PublicActionBody, { revalidate = [] as string[] } = {}): FormAction {
  return action(null, (_p, input) => body(input), revalidate);
}
