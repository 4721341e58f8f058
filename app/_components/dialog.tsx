"use client";

import clsx from "clsx";
import { X } from "lucide-react";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { initialActionState, type ActionState } from "@/lib/auth/action-state";
import { FormMessage, SubmitButton } from "./form";
import { buttonStyles } from "./ui";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * The title row of a {@link Modal} or a drawer: the heading that labels the dialog
 * (`titleId`) and its close button. `actionsRow` marks it as the dialog's actions row, the
 * one that must stay in view (a drawer has no footer; e2e/ui/checks.ts).
 */
export function DialogHeader({ titleId, title, onClose, actionsRow }: { titleId: string; title: string; onClose: () => void; actionsRow?: boolean }) {
  return (
    <div className="flex shrink-0 items-center justify-between gap-3 border-b border-zinc-100 px-5 py-4" data-dialog-actions={actionsRow || undefined}>
      <h2 id={titleId} className="min-w-0 text-base font-semibold break-words text-zinc-900">
        {title}
      </h2>
      <button type="button" onClick={onClose} className="shrink-0 rounded p-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900" aria-label="Close">
        <X className="h-4 w-4" aria-hidden />
      </button>
    </div>
  );
}

/**
 * A modal built on the native <dialog> element (focus trap and Escape for free) that
 * fits any viewport from 360 px up: it is never taller or wider than the screen, its
 * {@link DialogBody} scrolls and its {@link DialogFooter} (the actions) stays in view.
 *
 *   <Modal open={open} onClose={close} title="Add user">
 *     <form className={dialogFormStyles}>
 *       <DialogBody>…fields…</DialogBody>
 *       <DialogFooter>…buttons…</DialogFooter>
 *     </form>
 *   </Modal>
 */
export function Modal({
  open,
  onClose,
  title,
  children,
  wide,
  confirmClose,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: React.ReactNode;
  wide?: boolean;
  /**
   * Set when closing would lose something (a secret shown once): Escape and the close
   * button then ask first, in the dialog, and only `confirmLabel` closes it.
   */
  confirmClose?: { message: React.ReactNode; confirmLabel: string };
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [asking, setAsking] = useState(false);
  const guarded = useRef(confirmClose);
  guarded.current = confirmClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
    if (!open) setAsking(false);
  }, [open]);
  useEffect(() => {
    if (!confirmClose) setAsking(false);
  }, [confirmClose]);
  const requestClose = () => (confirmClose ? setAsking(true) : onClose());
  return (
    <dialog
      ref={ref}
      onCancel={(e) => {
        // Escape: ask first when guarded.
        if (guarded.current) {
          e.preventDefault();
          setAsking(true);
        }
      }}
      onClose={() => {
        // Browsers may close a dialog despite preventDefault (repeated Escape): reopen and ask.
        if (guarded.current && open && ref.current && !ref.current.open) {
          ref.current.showModal();
          setAsking(true);
          return;
        }
        onClose();
      }}
      aria-labelledby={titleId}
      className={clsx(
        "m-auto max-h-[calc(100dvh-1.5rem)] w-[calc(100%-1.5rem)] overflow-hidden rounded-xl border border-zinc-200 bg-white p-0 text-left whitespace-normal text-zinc-900 shadow-xl",
        wide ? "max-w-xl" : "max-w-md",
      )}
    >
      <div className="flex max-h-[calc(100dvh-1.5rem)] flex-col">
        <DialogHeader titleId={titleId} title={title} onClose={requestClose} />
        {asking && confirmClose ? (
          <div role="alertdialog" aria-label="Confirm closing" className="shrink-0 border-b border-amber-200 bg-amber-50 px-5 py-3 text-sm text-amber-900" data-testid="confirm-close">
            <div>{confirmClose.message}</div>
            <div className="mt-2 flex flex-wrap justify-end gap-2">
              <button type="button" autoFocus onClick={() => setAsking(false)} className={clsx(buttonStyles.base, buttonStyles.small, buttonStyles.secondary)}>
                Keep it open
              </button>
              <button
                type="button"
                onClick={() => {
                  guarded.current = undefined;
                  setAsking(false);
                  onClose();
                }}
                className={clsx(buttonStyles.base, buttonStyles.small, buttonStyles.danger)}
              >
                {confirmClose.confirmLabel}
              </button>
            </div>
          </div>
        ) : null}
        {children}
      </div>
    </dialog>
  );
}

/** Classes for a <form> (or div) directly inside a {@link Modal} holding body and footer. */
export const dialogFormStyles = "flex min-h-0 flex-1 flex-col";

/** The scrolling part of a {@link Modal}. */
export function DialogBody({ children, className }: { children: React.ReactNode; className?: string }) {
  return <div className={clsx("min-h-0 flex-1 space-y-4 overflow-y-auto px-5 py-4", className)}>{children}</div>;
}

/**
 * The actions of a {@link Modal}: always visible at its bottom; full-width, stacked
 * buttons on a phone (primary on top). The e2e suite checks every button here is in the
 * viewport and clickable (`data-dialog-actions`).
 */
export function DialogFooter({ children }: { children: React.ReactNode }) {
  return (
    <div
      data-dialog-actions
      className="flex shrink-0 flex-col-reverse gap-2 border-t border-zinc-100 bg-zinc-50 px-5 py-3 sm:flex-row sm:justify-end [&>*]:w-full sm:[&>*]:w-auto"
    >
      {children}
    </div>
  );
}

/**
 * A button that asks before doing something destructive. The confirmation holds a form
 * bound to `action`; hidden `fields` say what to act on. `subject` completes the button's
 * accessible name for screen readers ("Delete" → "Delete grace"), since a table has one
 * such button per row.
 */
export function ConfirmAction({
  action,
  fields,
  label,
  subject,
  title,
  children,
  confirmLabel,
  variant = "danger",
  small = true,
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  subject?: string;
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
        className={clsx(buttonStyles.base, small && buttonStyles.small, variant === "danger" ? buttonStyles.dangerGhost : buttonStyles.secondary)}
      >
        {label}
        {subject ? <span className="sr-only"> {subject}</span> : null}
      </button>
      <Modal open={open} onClose={() => setOpen(false)} title={title}>
        <form action={formAction} className={dialogFormStyles}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <DialogBody>
            <div className="text-sm text-zinc-700">{children}</div>
            {!state.ok ? <FormMessage state={state} /> : null}
          </DialogBody>
          <DialogFooter>
            <button type="button" onClick={() => setOpen(false)} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
              Cancel
            </button>
            <SubmitButton variant={variant === "danger" ? "danger" : "primary"} pendingText="Working…">
              {confirmLabel}
            </SubmitButton>
          </DialogFooter>
        </form>
      </Modal>
    </>
  );
}
