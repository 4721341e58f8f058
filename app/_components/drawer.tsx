"use client";

import { useEffect, useId, useRef } from "react";
import { DialogHeader } from "./dialog";

/**
 * A panel that slides in from the right edge over the page (full width on a phone), on
 * the native <dialog> like {@link Modal}: focus trap, Escape and the close button close it.
 */
export function Drawer({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
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
      aria-labelledby={titleId}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-dvh w-full max-w-md overflow-hidden border-l border-zinc-200 bg-white p-0 text-left text-zinc-900 shadow-xl sm:w-[28rem]"
    >
      <div className="flex h-full flex-col">
        {/* The header is the drawer's actions row: its close button stays in view (e2e/ui/checks.ts). */}
        <DialogHeader titleId={titleId} title={title} onClose={onClose} actionsRow />
        <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
      </div>
    </dialog>
  );
}
