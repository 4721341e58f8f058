"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/_components/form";
import { initialActionState } from "@/lib/auth/action-state";
import { setupAction } from "../actions";

export function SetupForm() {
  const [state, action] = useActionState(setupAction, initialActionState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field label="Username" name="username" autoComplete="username" autoFocus required state={state} hint="Letters, digits and . _ @ + - (at least 3)." />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        state={state}
        hint="Optional now; needed later if you turn on Cloudflare Access (people sign in by email there)."
      />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required state={state} hint="At least 8 characters." />
      <FormMessage state={state} />
      <SubmitButton className="w-full" pendingText="Creating…">
        Create admin and sign in
      </SubmitButton>
    </form>
  );
}
