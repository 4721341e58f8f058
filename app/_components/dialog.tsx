"use client";

import clsx from "clsx";
import { useActionState, useEffect, useRef, useState } from "react";
import { initialActionState, type ActionState } from "@/lib/auth/action-state";
import { FormMessage, SubmitButton } from "./form";
import { buttonStyles } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/** A modal built on the native <dialog> element (focus trap and Escape for free). */
export function Modal({ open, onClose, title, children, wide }: { open: boolean; onClose: () => void; title: string; children: React.ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-label={title}
      className={clsx("m-auto w-full rounded-xl border border-zinc-200 bg-white p-0 shadow-xl", wide ? "max-w-xl" : "max-w-md")}
    >
      <div className="flex items-center justify-between border-b border-zinc-100 px-5 py-4">
        <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
        <button type="button" onClick={onClose} className="rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700" aria-label="Close">
          ✕
        </button>
      </div>
      <div className="px-5 py-4">{children}</div>
    </dialog>
  );
}

/**
 * A button that asks before doing something destructive. The confirmation holds a form
 * bound to `action`; hidden `fields` say what to act on.
 */
export function ConfirmAction({
  action,
  fields,
  label,
  title,
  children,
  confirmLabel,
  variant = "danger",
  small = true,
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  variant?: "danger" | "secondary";
  small?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [state, formAction] = useActionState(action, initialActionState);
  const [handled, setHandled] = useState<number | undefined>(undefined);
  if (state.ok && state.at !== handled) {
    setHandled(state.at);
    setOpen(false);
  }
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className={clsx(buttonStyles.base, small && buttonStyles.small, variant === "danger" ? "text-red-600 hover:bg-red-50" : buttonStyles.secondary)}
      >
        {label}
      </button>
      <Modal open={open} onClose={() => setOpen(false)} title={title}>
        <form action={formAction} className="space-y-4">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div className="text-sm text-zinc-600">{children}</div>
          {!state.ok ? <FormMessage state={state} /> : null}
          <div className="flex justify-end gap-2">
            <button type="button" onClick={() => setOpen(false)} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
              Cancel
            </button>
            <SubmitButton variant={variant === "danger" ? "danger" : "primary"} pendingText="Working…">
              {confirmLabel}
            </SubmitButton>
          </div>
        </form>
      </Modal>
    </>
  );
}
