"use client";

import { createContext, useCallback, useContext, useEffect, useState } from "react";

/** Short success notices ("Saved") that outlive the dialog or page that raised them. */

type Toast = { id: number; message: string };
type Notify = (message: string) => void;

const ToastContext = createContext<Notify>(() => {});

/** `notify("Saved")`; a no-op outside a {@link Toaster}. */
export function useToast(): Notify {
  return useContext(ToastContext);
}

const LIFETIME_MS = 4000;

export function Toaster({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback<Notify>((message) => {
    setToasts((list) => [...list.slice(-2), { id: Date.now() + Math.random(), message }]);
  }, []);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed bottom-5 right-5 z-50 flex w-80 flex-col gap-2">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), LIFETIME_MS);
    return () => clearTimeout(timer);
  }, [toast.id, onDismiss]);
  return (
    <div role="status" className="pointer-events-auto flex items-start gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-800 shadow-lg" data-testid="toast">
      <span className="mt-1 h-2 w-2 shrink-0 rounded-full bg-emerald-500" aria-hidden />
      <p className="flex-1">{toast.message}</p>
      <button type="button" onClick={() => onDismiss(toast.id)} className="text-zinc-600 hover:text-zinc-700" aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
