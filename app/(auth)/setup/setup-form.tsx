"use client";

import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { Field, FormMessage } from "@/app/_components/form";
import { USER_LIMITS } from "@/lib/users/limits";
import { setupAction } from "../actions";

export function SetupForm() {
  const { state, pending, onSubmit, formRef } = useActionForm(setupAction);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoFocus
        required
        maxLength={USER_LIMITS.username}
        state={state}
        hint="Letters, digits and . _ @ + - (at least 3)."
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        maxLength={USER_LIMITS.email}
        state={state}
        hint="Optional now; needed later if you turn on Cloudflare Access (people sign in by email there)."
      />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required maxLength={USER_LIMITS.password} state={state} hint="At least 8 characters." />
      <FormMessage state={state} />
      <PendingButton pending={pending} className="w-full" pendingText="Creating…">
        Create admin and sign in
      </PendingButton>
    </form>
  );
}
