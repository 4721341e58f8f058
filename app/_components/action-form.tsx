"use client";

import clsx from "clsx";
import { startTransition, useActionState } from "react";
import { initialActionState, type ActionState } from "@/lib/auth/action-state";
import { buttonStyles } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * `useActionState` for forms that must keep what was typed when the action fails.
 * A `<form action={…}>` is reset by React 19 after every submission, which would wipe
 * a long form on one invalid field; submitting through `onSubmit` keeps the values.
 */
export function useActionForm(action: Action) {
  const [state, dispatch, pending] = useActionState(action, initialActionState);
  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  }
  return { state, pending, onSubmit };
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
