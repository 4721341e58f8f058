"use client";

import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { Field, FormMessage } from "@/app/_components/form";
import { USER_LIMITS } from "@/lib/users/limits";
import { loginAction } from "../actions";

export function LoginForm({ next }: { next: string }) {
  const { state, pending, onSubmit, formRef } = useActionForm(loginAction);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <Field label="Username or email" name="username" autoComplete="username" autoFocus required maxLength={USER_LIMITS.email} state={state} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required maxLength={USER_LIMITS.password} state={state} />
      <FormMessage state={state} />
      <PendingButton pending={pending} className="w-full" pendingText="Signing in…">
        Sign in
      </PendingButton>
    </form>
  );
}
