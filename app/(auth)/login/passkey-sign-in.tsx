"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import clsx from "clsx";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { buttonStyles } from "@/app/_components/ui";

/**
 * "Sign in with a passkey": no username — the browser offers the passkeys it holds for
 * this site, the server finds the user from the one chosen. `next` is already a safe path.
 */
export function PasskeySignIn({ next }: { next: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function signIn() {
    setPending(true);
    setError(null);
    try {
      const options = await fetch("/api/v1/auth/passkey/options", { method: "POST" });
      const optionsJSON = await options.json();
      if (!options.ok) throw new Error(optionsJSON.error?.message ?? "Passkey sign-in is not available");
      let response;
      try {
        response = await startAuthentication({ optionsJSON });
      } catch (err) {
        throw new Error((err as { name?: string }).name === "NotAllowedError" ? "The passkey dialog was closed or timed out; try again." : `The browser could not use a passkey: ${(err as Error).message}`);
      }
      const res = await fetch("/api/v1/auth/passkey/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ response }) });
      if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? "Passkey sign-in failed");
      window.location.assign(next);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  }
  return (
    <div className="space-y-3">
      <button type="button" onClick={signIn} disabled={pending} aria-busy={pending} className={clsx(buttonStyles.base, buttonStyles.secondary, "w-full")}>
        <KeyRound className="h-4 w-4" aria-hidden />
        {pending ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="passkey-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
