"use client";

import clsx from "clsx";
import { useEffect, useRef, useState } from "react";
import type { ActionState } from "@/lib/auth/action-state";
import { PendingButton, useActionForm } from "./action-form";
import { DialogBody, DialogFooter, Modal, dialogFormStyles } from "./dialog";
import { FormMessage } from "./form";
import { useToast } from "./toaster";
import { buttonStyles } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * A button that opens a dialog holding a form bound to a server action. On success the
 * dialog closes and the action's message shows as a toast; errors stay in the form
 * (inline per field). Each opening starts with a fresh form.
 */
export function FormDialog({
  action,
  title,
  description,
  trigger,
  triggerLabel,
  triggerVariant = "secondary",
  small = false,
  submitLabel,
  pendingText,
  fields = {},
  wide,
  children,
}: {
  action: Action;
  title: string;
  description?: React.ReactNode;
  /** What the trigger button shows. */
  trigger: React.ReactNode;
  /** Accessible name of the trigger when `trigger` alone is ambiguous (e.g. "Edit alice"). */
  triggerLabel?: string;
  triggerVariant?: "primary" | "secondary" | "ghost";
  small?: boolean;
  submitLabel: string;
  pendingText?: string;
  /** Hidden inputs, e.g. the id of the row acted on. */
  fields?: Record<string, string>;
  wide?: boolean;
  children: (state: ActionState) => React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [opening, setOpening] = useState(0);
  return (
    <>
      <button
        type="button"
        aria-label={triggerLabel}
        onClick={() => {
          setOpening((n) => n + 1);
          setOpen(true);
        }}
        className={clsx(buttonStyles.base, buttonStyles[triggerVariant], small && buttonStyles.small)}
      >
        {trigger}
      </button>
      <Modal open={open} onClose={() => setOpen(false)} title={title} wide={wide}>
        {open ? (
          <DialogForm key={opening} action={action} fields={fields} description={description} submitLabel={submitLabel} pendingText={pendingText} onCancel={() => setOpen(false)} onDone={() => setOpen(false)}>
            {children}
          </DialogForm>
        ) : null}
      </Modal>
    </>
  );
}

function DialogForm({
  action,
  fields,
  description,
  submitLabel,
  pendingText,
  onCancel,
  onDone,
  children,
}: {
  action: Action;
  fields: Record<string, string>;
  description?: React.ReactNode;
  submitLabel: string;
  pendingText?: string;
  onCancel: () => void;
  onDone: () => void;
  children: (state: ActionState) => React.ReactNode;
}) {
  const { state, pending, onSubmit, formRef } = useActionForm(action);
  const notify = useToast();
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    // The dialog opens (showModal) after this form mounts, so focus on the next frame:
    // the field marked data-autofocus, else the first visible field.
    const frame = requestAnimationFrame(() => {
      formRef.current?.querySelector<HTMLElement>("[data-autofocus], input:not([type=hidden]), select, textarea")?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [formRef]);
  useEffect(() => {
    if (!state.ok || state.at === handled.current) return;
    handled.current = state.at;
    if (state.message) notify(state.message);
    onDone();
  }, [state, notify, onDone]);
  return (
    <form ref={formRef} onSubmit={onSubmit} className={dialogFormStyles} noValidate>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <DialogBody>
        {description ? <div className="text-sm text-zinc-700">{description}</div> : null}
        {children(state)}
        {!state.ok ? <FormMessage state={state} /> : null}
      </DialogBody>
      <DialogFooter>
        <button type="button" onClick={onCancel} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
          Cancel
        </button>
        <PendingButton pending={pending} pendingText={pendingText}>
          {submitLabel}
        </PendingButton>
      </DialogFooter>
    </form>
  );
}
