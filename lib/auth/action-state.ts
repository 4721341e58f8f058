import type { FieldErrors } from "@/lib/errors";

/** What a server action hands back to its form (`useActionState`). Safe to import from client components. */
export interface ActionState {
  ok: boolean;
  message?: string;
  fieldErrors?: FieldErrors;
  /** Extra result for the form, e.g. a new key's secret (shown once). */
  data?: Record<string, string>;
  /**
   * On failure, what was submitted (secrets left out), so the form can show it again:
   * React 19 resets a form after its action runs.
   */
  values?: Record<string, string>;
  /** Time of the answer, so a form can tell two equal answers apart. */
  at?: number;
}

export const initialActionState: ActionState = { ok: false };

const SECRET_FIELD = /password|secret|token|apikey|api_key/i;

/** The submitted values worth showing again after a failed action: never secrets. */
export function echoValues(input: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(input).filter(([name]) => !SECRET_FIELD.test(name)));
}
