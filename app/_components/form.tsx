"use client";

import clsx from "clsx";
import { useId, useLayoutEffect, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import type { ActionState } from "@/lib/auth/action-state";
import { buttonStyles } from "./ui";

/**
 * Form controls with inline errors. Every control shows all of its field's errors at
 * once, one per line, under the field; the errors and the hint are linked to the control
 * (`aria-describedby`) and the control is marked `aria-invalid`, so a screen reader reads
 * them on focus. {@link useActionForm} moves focus to the first invalid control after a
 * failed submit. Pass `maxLength` where the schema has a limit.
 */

const controlStyles = {
  base: "mt-1.5 block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-xs outline-none transition placeholder:text-zinc-500 focus:ring-2 disabled:cursor-not-allowed disabled:border-zinc-200 disabled:bg-zinc-100 disabled:text-zinc-600 disabled:shadow-none",
  valid: "border-zinc-300 focus:border-zinc-500 focus:ring-zinc-200",
  invalid: "border-red-500 focus:border-red-600 focus:ring-red-100",
};

/**
 * The errors of field `name` (with `prefix`, also those of `name.0`, `name.1.id`… as zod
 * reports array items), its ids and ARIA attributes.
 */
function useFieldState(name: string, state: ActionState | undefined, hint: React.ReactNode, { prefix = false } = {}) {
  const id = `${useId()}-${name}`;
  const errors = Object.entries(state?.fieldErrors ?? {})
    .filter(([field]) => field === name || (prefix && field.startsWith(`${name}.`)))
    .flatMap(([, list]) => list);
  const invalid = errors.length > 0;
  // The errors take the hint's place (they say what the hint said, and more).
  const describedBy = invalid ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return { id, errors, aria: { "aria-invalid": invalid ? (true as const) : undefined, "aria-describedby": describedBy } };
}

/** A field's errors (one per line) or else its hint, under the control. */
function FieldNotes({ id, errors, hint }: { id: string; errors: string[]; hint: React.ReactNode }) {
  return (
    <>
      {errors.length > 0 ? (
        <ul id={`${id}-error`} className="mt-1.5 space-y-0.5 text-xs font-medium text-red-700" data-testid="field-errors">
          {errors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      ) : null}
      {hint && errors.length === 0 ? (
        <p id={`${id}-hint`} className="mt-1.5 text-xs text-zinc-600">
          {hint}
        </p>
      ) : null}
    </>
  );
}

function Label({ htmlFor, children }: { htmlFor: string; children: React.ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium text-zinc-800">
      {children}
    </label>
  );
}

/** The value to show again after a failed action (React 19 resets forms); never for passwords. */
function echoed(state: ActionState | undefined, name: string, controlled: boolean, secret = false) {
  const value = state?.values?.[name];
  return value !== undefined && !controlled && !secret ? { defaultValue: value } : {};
}

export function Field({
  label,
  name,
  state,
  hint,
  className,
  ...input
}: { label: string; name: string; state?: ActionState; hint?: React.ReactNode } & React.InputHTMLAttributes<HTMLInputElement>) {
  const { id, errors, aria } = useFieldState(name, state, hint);
  return (
    <div className={className}>
      <Label htmlFor={id}>{label}</Label>
      <input
        id={id}
        name={name}
        {...aria}
        className={clsx(controlStyles.base, errors.length > 0 ? controlStyles.invalid : controlStyles.valid)}
        {...input}
        {...echoed(state, name, input.value !== undefined, input.type === "password")}
      />
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

/** A multi-line field; errors of `name.N…` (array items parsed from its lines) count as its own. */
export function TextArea({
  label,
  name,
  state,
  hint,
  ...input
}: { label: string; name: string; state?: ActionState; hint?: React.ReactNode } & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { id, errors, aria } = useFieldState(name, state, hint, { prefix: true });
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <textarea
        id={id}
        name={name}
        {...aria}
        className={clsx(controlStyles.base, "font-mono", errors.length > 0 ? controlStyles.invalid : controlStyles.valid)}
        {...input}
        {...echoed(state, name, input.value !== undefined)}
      />
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function Select({
  label,
  name,
  state,
  hint,
  children,
  ...select
}: { label: string; name: string; state?: ActionState; hint?: React.ReactNode } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const { id, errors, aria } = useFieldState(name, state, hint);
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <select
        id={id}
        name={name}
        {...aria}
        className={clsx(controlStyles.base, errors.length > 0 ? controlStyles.invalid : controlStyles.valid)}
        {...select}
        {...echoed(state, name, select.value !== undefined)}
      >
        {children}
      </select>
      <FieldNotes id={id} errors={errors} hint={hint} />
    </div>
  );
}

/** Submit button of a `<form action={…}>` (reads the pending state from the form). */
export function SubmitButton({ children, pendingText, variant = "primary", className }: { children: React.ReactNode; pendingText?: string; variant?: "primary" | "secondary" | "danger"; className?: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} aria-busy={pending} className={clsx(buttonStyles.base, buttonStyles[variant], className)}>
      {pending ? (
        <>
          <span className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent" aria-hidden />
          {pendingText ?? "Saving…"}
        </>
      ) : (
        children
      )}
    </button>
  );
}

/**
 * The form-level message of an action: an error not tied to one field, or success.
 * When fields have errors it says how many, and lists any error whose field is not on
 * the form (so no message is ever lost).
 */
export function FormMessage({ state }: { state: ActionState }) {
  const ref = useRef<HTMLDivElement>(null);
  const fieldErrors = !state.ok ? (state.fieldErrors ?? {}) : {};
  const unmatched = useFieldsNotOnForm(ref, fieldErrors);
  if (!state.message) return null;
  const fields = Object.keys(fieldErrors).filter((k) => k !== "_form");
  if (fields.length > 0) {
    const shown = fields.length - unmatched.length;
    const extra = [...(fieldErrors._form ?? []), ...unmatched.flatMap((field) => fieldErrors[field]!.map((m) => `${field}: ${m}`))];
    return (
      <div ref={ref} role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-message">
        {shown > 0 ? <p>{shown === 1 ? "One field needs attention." : `${shown} fields need attention.`}</p> : null}
        {extra.length > 0 ? (
          <ul className={clsx(shown > 0 && "mt-1 list-disc pl-5")}>
            {extra.map((message, i) => (
              <li key={i}>{message}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div ref={ref} role={state.ok ? "status" : "alert"} className={clsx("rounded-lg px-3 py-2 text-sm", state.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800")} data-testid="form-message">
      {state.message}
    </div>
  );
}

/** The fields of `fieldErrors` that have no control (by `name`) in the form around `ref`. */
function useFieldsNotOnForm(ref: React.RefObject<HTMLElement | null>, fieldErrors: Record<string, string[]>): string[] {
  const [missing, setMissing] = useState<string[]>([]);
  const key = Object.keys(fieldErrors).join("\n");
  useLayoutEffect(() => {
    const form = ref.current?.closest("form");
    const next = key
      .split("\n")
      .filter((field) => field && field !== "_form")
      .filter((field) => form && !form.querySelector(`[name="${CSS.escape(field)}"], [name="${CSS.escape(field.split(".")[0]!)}"]`));
    setMissing((prev) => (prev.join("\n") === next.join("\n") ? prev : next));
  }, [ref, key]);
  return missing;
}
