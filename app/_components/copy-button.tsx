"use client";

import clsx from "clsx";
import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { buttonStyles } from "./ui";

/**
 * Copies `value` to the clipboard and says so for two seconds. `subject` completes the
 * accessible name where several copy buttons share a page ("Copy" + " gateway URL of X").
 */
export function CopyButton({ value, label = "Copy", subject, className }: { value: string; label?: string; subject?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Clipboard access can be refused (plain http, permissions); the value stays selectable.
      setCopied(false);
    }
  }
  return (
    <button type="button" onClick={copy} className={clsx(buttonStyles.base, buttonStyles.secondary, buttonStyles.small, className)}>
      {copied ? <Check className="h-3.5 w-3.5 text-emerald-600" aria-hidden /> : <Copy className="h-3.5 w-3.5" aria-hidden />}
      <span aria-live="polite">{copied ? "Copied" : label}</span>
      {subject ? <span className="sr-only"> {subject}</span> : null}
    </button>
  );
}
