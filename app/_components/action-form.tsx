"use client";

import clsx from "clsx";
import { startTransition, useActionState, useEffect, useRef } from "react";
import { initialActionState, type ActionState } from "@/lib/auth/action-state";
import { buttonStyles } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * `useActionState` for forms that must keep what was typed when the action fails.
 * A `<form action={…}>` is reset by React 19 after every submission, which would wipe
 * a long form on one invalid field; submitting through `onSubmit` keeps the values.
 * After a failed submit, focus moves to the first invalid control of the form holding
 * `formRef` (else to the form's error message), so keyboard and screen-reader users land
 * where the problem is. Usage: `<form ref={formRef} onSubmit={onSubmit} noValidate>`.
 */
export function useActionForm(action: Action) {
  const [state, dispatch, pending] = useActionState(action, initialActionState);
  const formRef = useRef<HTMLFormElement>(null);
  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  }
  useEffect(() => {
    if (state.ok || state.at === undefined) return;
    focusFirstProblem(formRef.current);
  }, [state]);
  return { state, pending, onSubmit, formRef };
}

/** Focuses the first `aria-invalid` control in `form`, else its form-level message. */
export function focusFirstProblem(form: HTMLFormElement | null): void {
  if (!form) return;
  const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]:not([disabled])');
  if (invalid) {
    invalid.focus();
    return;
  }
  const message = form.querySelector<HTMLElement>('[data-testid="form-message"]');
  if (message) {
    message.tabIndex = -1;
    message.focus();
  }
}

/** The submit button of a {@link useActionForm} form. */
export function PendingButton({
  pending,
  children,
  pendingText = "Saving…",
  variant = "primary",
  className,
}: {
  pending: boolean;
  children: React.ReactNode;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger";
  className?: string;
}) {
  return (
    <button type="submit" disabled={pending} aria-busy={pending} className={clsx(buttonStyles.base, buttonStyles[variant], className)}>
      {pending ? (
        <>
          <span className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent" aria-hidden />
          {pendingText}
        </>
      ) : (
        children
      )}
    </button>
  );
}
