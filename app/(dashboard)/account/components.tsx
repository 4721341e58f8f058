"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { Field, FormMessage } from "@/app/_components/form";
import { FormDialog } from "@/app/_components/form-dialog";
import { useToast } from "@/app/_components/toaster";
import type { ActionState } from "@/lib/auth/action-state";
import type { PasskeyDTO } from "@/lib/credentials/passkeys";
import { changePasswordAction, renamePasskeyAction } from "./actions";

/** Current password + new one; on success the fields clear and other sessions are gone. */
export function ChangePasswordForm() {
  const { state, pending, onSubmit } = useActionForm(changePasswordAction);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) formRef.current?.reset();
  }, [state]);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4 px-5 py-4" noValidate>
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required state={state} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required state={state} hint="At least 8 characters." />
      <FormMessage state={state} />
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-zinc-600">Your other sessions are signed out; this one stays.</p>
        <PendingButton pending={pending} pendingText="Changing…" className="shrink-0 whitespace-nowrap">
          Change password
        </PendingButton>
      </div>
    </form>
  );
}

/** The browser's own words for a failed ceremony are technical; these say what to do. */
function ceremonyError(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === "NotAllowedError") return "The passkey dialog was closed or timed out; try again.";
  if (name === "InvalidStateError") return "This authenticator already holds a passkey for your account.";
  if (name === "SecurityError") return "The browser refused: this page's address does not match GATEHOUSE_PUBLIC_URL.";
  return `The browser could not create a passkey: ${(err as Error)?.message ?? String(err)}`;
}

async function postJson(url: string, body?: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { ok: res.ok, data: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

type ApiError = { error?: { message?: string; fields?: Record<string, string[]> } };

/**
 * Names and registers a passkey: registration options from the server, the browser's
 * passkey dialog (`startRegistration`), then the server checks and stores the answer.
 */
export function AddPasskeyForm() {
  const router = useRouter();
  const notify = useToast();
  const [pending, setPending] = useState(false);
  const [state, setState] = useState<ActionState>({ ok: false });
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (!name) {
      setState({ ok: false, message: "Name this passkey, e.g. Work laptop", fieldErrors: { name: ["Name this passkey, e.g. Work laptop"] }, values: { name }, at: Date.now() });
      return;
    }
    setPending(true);
    try {
      const options = await postJson("/api/v1/account/passkeys/options");
      if (!options.ok) throw new Error((options.data as ApiError).error?.message ?? "Could not start");
      let response;
      try {
        response = await startRegistration({ optionsJSON: options.data as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"] });
      } catch (err) {
        throw new Error(ceremonyError(err));
      }
      const saved = await postJson("/api/v1/account/passkeys", { name, response });
      if (!saved.ok) {
        const error = (saved.data as ApiError).error;
        // Only the name is a field here; anything else (e.g. "already registered") is the form's.
        const nameErrors = error?.fields?.name;
        setState({ ok: false, message: error?.message ?? "The passkey was not saved", fieldErrors: nameErrors ? { name: nameErrors } : undefined, values: { name }, at: Date.now() });
        return;
      }
      form.reset();
      setState({ ok: false });
      notify(`Added passkey ${name}`);
      router.refresh();
    } catch (err) {
      setState({ ok: false, message: (err as Error).message, values: { name }, at: Date.now() });
    } finally {
      setPending(false);
    }
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3 border-t border-zinc-100 px-5 py-4" noValidate>
      <div className="flex flex-wrap items-end gap-3">
        <Field label="New passkey's name" name="name" placeholder="Work laptop" autoComplete="off" maxLength={60} state={state} className="min-w-48 flex-1" />
        <PendingButton pending={pending} pendingText="Waiting for your passkey…">
          Add passkey
        </PendingButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function RenamePasskeyDialog({ passkey }: { passkey: PasskeyDTO }) {
  return (
    <FormDialog
      action={renamePasskeyAction}
      fields={{ id: passkey.id }}
      title={`Rename ${passkey.name}`}
      trigger="Rename"
      triggerLabel={`Rename ${passkey.name}`}
      triggerVariant="ghost"
      small
      submitLabel="Save"
    >
      {(state) => <Field label="Name" name="name" defaultValue={passkey.name} autoComplete="off" maxLength={60} required state={state} />}
    </FormDialog>
  );
}
