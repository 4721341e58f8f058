import type { FieldErrors } from "@/lib/errors";

/** What a server action hands back to its form (`useActionState`). Safe to import from client components. */
export interface ActionState {
  ok: boolean;
  message?: string;
  fieldErrors?: FieldErrors;
  /** Extra result for the form, e.g. a new key's secret (shown once). */
  data?: Record<string, string>;
  /** Time of the answer, so a form can tell two equal answers apart. */
  at?: number;
}

export const initialActionState: ActionState = { ok: false };
