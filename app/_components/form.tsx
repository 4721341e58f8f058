"use client";

import clsx from "clsx";
import { useFormStatus } from "react-dom";
import type { ActionState } from "@/lib/auth/action-state";
import { buttonStyles } from "./ui";

/** Form controls with inline errors and pending states. */

export function Field({
  label,
  name,
  state,
  hint,
  className,
  ...input
}: { label: string; name: string; state?: ActionState; hint?: React.ReactNode } & React.InputHTMLAttributes<HTMLInputElement>) {
  const errors = state?.fieldErrors?.[name];
  const id = `field-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={clsx(
          "mt-1.5 block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-xs outline-none transition placeholder:text-zinc-400 focus:ring-2",
          errors ? "border-red-400 focus:border-red-500 focus:ring-red-100" : "border-zinc-300 focus:border-zinc-500 focus:ring-zinc-100",
        )}
        {...input}
        {...(state?.values?.[name] !== undefined && input.type !== "password" && input.value === undefined ? { defaultValue: state.values[name] } : {})}
      />
      {errors ? (
        <p id={`${id}-error`} className="mt-1.5 text-xs text-red-600" role="alert">
          {errors.join(" ")}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1.5 text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea({
  label,
  name,
  state,
  hint,
  ...input
}: { label: string; name: string; state?: ActionState; hint?: React.ReactNode } & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const errors = Object.entries(state?.fieldErrors ?? {})
    .filter(([field]) => field === name || field.startsWith(`${name}.`))
    .flatMap(([, list]) => list);
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors.length > 0 ? true : undefined}
        className={clsx(
          "mt-1.5 block w-full rounded-lg border bg-white px-3 py-2 font-mono text-sm shadow-xs outline-none focus:ring-2",
          errors.length > 0 ? "border-red-400 focus:ring-red-100" : "border-zinc-300 focus:border-zinc-500 focus:ring-zinc-100",
        )}
        {...input}
        {...(state?.values?.[name] !== undefined && input.value === undefined ? { defaultValue: state.values[name] } : {})}
      />
      {errors.length > 0 ? (
        <p className="mt-1.5 text-xs text-red-600" role="alert">
          {errors.join(" ")}
        </p>
      ) : hint ? (
        <p className="mt-1.5 text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function Select({
  label,
  name,
  state,
  children,
  ...select
}: { label: string; name: string; state?: ActionState } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const errors = state?.fieldErrors?.[name];
  return (
    <div>
      <label htmlFor={`field-${name}`} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <select
        id={`field-${name}`}
        name={name}
        className="mt-1.5 block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-100"
        {...select}
        {...(state?.values?.[name] !== undefined && select.value === undefined ? { defaultValue: state.values[name] } : {})}
      >
        {children}
      </select>
      {errors ? <p className="mt-1.5 text-xs text-red-600">{errors.join(" ")}</p> : null}
    </div>
  );
}

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

/** The form-level message of an action (errors not tied to one field, or success). */
export function FormMessage({ state }: { state: ActionState }) {
  if (!state.message) return null;
  const fieldOnly = !state.ok && state.fieldErrors && Object.keys(state.fieldErrors).some((k) => k !== "_form");
  if (fieldOnly) return <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">Check the highlighted fields.</p>;
  return (
    <p role={state.ok ? "status" : "alert"} className={clsx("rounded-lg px-3 py-2 text-sm", state.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700")}>
      {state.message}
    </p>
  );
}
