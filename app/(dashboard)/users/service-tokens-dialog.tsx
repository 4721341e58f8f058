"use client";

import clsx from "clsx";
import { useEffect, useRef, useState } from "react";
import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { ConfirmAction, DialogBody, DialogFooter, Modal, dialogFormStyles } from "@/app/_components/dialog";
import { Field, FormMessage } from "@/app/_components/form";
import { useToast } from "@/app/_components/toaster";
import { TimeAgo } from "@/app/_components/time-ago";
import { buttonStyles } from "@/app/_components/ui";
import { USER_LIMITS } from "@/lib/users/limits";
import type { UserDTO } from "@/lib/users/queries";
import { linkServiceTokenAction, unlinkServiceTokenAction } from "./actions";
import { SERVICE_TOKEN_EXPLAINER } from "./service-token-copy";

/** Lists a user's linked Cloudflare Access service tokens, links new ones and unlinks. */
export function ServiceTokensDialog({ user, cfMode }: { user: UserDTO; cfMode: boolean }) {
  const [open, setOpen] = useState(false);
  const count = user.serviceTokens.length;
  return (
    <>
      <div className="flex items-center gap-2">
        {count > 0 ? (
          <ul className="min-w-0 space-y-0.5">
            {user.serviceTokens.slice(0, 2).map((t) => (
              <li key={t.id} className="max-w-40 truncate font-mono text-xs text-zinc-700" title={`${t.name} · ${t.clientId}`}>
                {t.clientId}
              </li>
            ))}
            {count > 2 ? <li className="text-xs text-zinc-600">+{count - 2} more</li> : null}
          </ul>
        ) : (
          <span className="text-zinc-600">None</span>
        )}
        <button
          type="button"
          onClick={() => setOpen(true)}
          className={clsx(buttonStyles.base, buttonStyles.ghost, buttonStyles.small, "shrink-0")}
        >
          {count > 0 ? (
            <>
              Manage<span className="sr-only"> service tokens of {user.username}</span>
            </>
          ) : (
            <>
              Link<span className="sr-only"> a service token to {user.username}</span>
            </>
          )}
        </button>
      </div>
      <Modal open={open} onClose={() => setOpen(false)} title={`Service tokens · ${user.username}`} wide>
        <div className={dialogFormStyles}>
          <DialogBody className="space-y-5">
          <p className="text-sm text-zinc-700">{SERVICE_TOKEN_EXPLAINER}</p>
          {!cfMode ? (
            <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800">Gatehouse runs with built-in sign-in now; links take effect once Cloudflare Access is turned on.</p>
          ) : null}
          {count === 0 ? (
            <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-5 text-center text-sm text-zinc-600">No service tokens linked to {user.username} yet.</p>
          ) : (
            <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200" data-testid="service-token-list">
              {user.serviceTokens.map((t) => (
                <li key={t.id} className="flex items-center justify-between gap-3 px-3 py-2.5" data-testid={`service-token-${t.clientId}`}>
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-zinc-900">{t.name}</p>
                    <p className="truncate font-mono text-xs text-zinc-600">{t.clientId}</p>
                    <p className="mt-0.5 text-xs text-zinc-600">
                      Last used <TimeAgo iso={t.lastUsedAt} empty="never" />
                    </p>
                  </div>
                  <ConfirmAction
                    action={unlinkServiceTokenAction}
                    fields={{ id: t.id }}
                    label="Unlink"
                    subject={t.name}
                    title="Unlink service token?"
                    confirmLabel="Unlink"
                  >
                    Requests with <span className="font-mono text-zinc-800">{t.clientId}</span> will no longer act as {user.username}. The token itself stays in
                    Cloudflare.
                  </ConfirmAction>
                </li>
              ))}
            </ul>
          )}
          {open ? <LinkTokenForm userId={user.id} /> : null}
          </DialogBody>
          <DialogFooter>
            <button type="button" onClick={() => setOpen(false)} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
              Close
            </button>
          </DialogFooter>
        </div>
      </Modal>
    </>
  );
}

function LinkTokenForm({ userId }: { userId: string }) {
  const { state, pending, onSubmit, formRef } = useActionForm(linkServiceTokenAction);
  const notify = useToast();
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state.ok || state.at === handled.current) return;
    handled.current = state.at;
    formRef.current?.reset();
    if (state.message) notify(state.message);
  }, [state, notify, formRef]);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3 rounded-lg bg-zinc-50 p-4" noValidate>
      <h3 className="text-sm font-semibold text-zinc-900">Link a service token</h3>
      <input type="hidden" name="userId" value={userId} />
      <div className="grid gap-3 sm:grid-cols-[3fr_2fr]">
        <Field
          label="Client ID"
          name="clientId"
          autoComplete="off"
          spellCheck={false}
          required
          state={state}
          placeholder="88bf3b6d86161464f6509f7219099e57.access"
          hint="32 hex characters then .access, from Zero Trust → Access → Service Auth."
        />
        <Field label="Name (optional)" name="name" maxLength={USER_LIMITS.serviceTokenName} autoComplete="off" state={state} placeholder="CI pipeline" />
      </div>
      {!state.ok ? <FormMessage state={state} /> : null}
      <div className="flex justify-end">
        <PendingButton pending={pending} pendingText="Linking…">
          Link token
        </PendingButton>
      </div>
    </form>
  );
}
