"use client";

import clsx from "clsx";
import { Plus, TriangleAlert } from "lucide-react";
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { CopyButton } from "@/app/_components/copy-button";
import { DialogBody, DialogFooter, Modal, dialogFormStyles } from "@/app/_components/dialog";
import { Field, FormMessage, Select } from "@/app/_components/form";
import { LimitFields } from "@/app/_components/limit-fields";
import { NO_LIMITS } from "@/lib/limits/types";
import { useToast } from "@/app/_components/toaster";
import { buttonStyles } from "@/app/_components/ui";
import { KEY_NAME_MAX_LENGTH } from "@/lib/keys/limits";
import { createKeyAction } from "./actions";
import { ProviderPicker } from "./provider-picker";

/** What the dialog knows of a provider: enough for the chips and the code sample. */
export interface ProviderOption {
  key: string;
  name: string;
  models: string[];
}

export interface UserOption {
  id: string;
  username: string;
}

interface Props {
  providers: ProviderOption[];
  /** Admins may issue keys to others; absent for everyone else. */
  users?: UserOption[];
  currentUserId: string;
}

// The secret is shown once: closing by Escape or the × asks first.
const SECRET_CLOSE_GUARD = {
  message: "Close without copying the key? It will not be shown again.",
  confirmLabel: "Close, I don't need it",
};

const OpenContext = createContext<(() => void) | null>(null);

/**
 * Holds the create-key dialog at one stable place in the page, so that the dialog (and
 * the one-time secret in it) survives the page re-rendering when the first key appears
 * and the empty state gives way to the table. {@link CreateKeyButton}s open it.
 */
export function CreateKeyProvider({ children, ...props }: Props & { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const [opening, setOpening] = useState(0);
  const [created, setCreated] = useState(false);
  const openDialog = useCallback(() => {
    setOpening((n) => n + 1);
    setCreated(false);
    setOpen(true);
  }, []);
  const onCreated = useCallback(() => setCreated(true), []);
  const onClose = useCallback(() => setOpen(false), []);
  return (
    <OpenContext.Provider value={openDialog}>
      {children}
      <Modal open={open} onClose={onClose} title={created ? "Copy your new key" : "Create virtual key"} wide confirmClose={created ? SECRET_CLOSE_GUARD : undefined}>
        {open ? <CreateKeyFlow key={opening} {...props} onCreated={onCreated} onClose={onClose} /> : null}
      </Modal>
    </OpenContext.Provider>
  );
}

export function CreateKeyButton({ label = "Create key", variant = "primary" }: { label?: string; variant?: "primary" | "secondary" }) {
  const open = useContext(OpenContext);
  return (
    <button type="button" onClick={() => open?.()} className={clsx(buttonStyles.base, buttonStyles[variant])}>
      <Plus className="h-4 w-4" aria-hidden />
      {label}
    </button>
  );
}

function CreateKeyFlow({ providers, users, currentUserId, onCreated, onClose }: Props & { onCreated: () => void; onClose: () => void }) {
  const { state, pending, onSubmit, formRef: nameRef } = useActionForm(createKeyAction);
  const notify = useToast();
  const handled = useRef<number | undefined>(undefined);
  const secret = state.ok ? state.data?.secret : undefined;

  useEffect(() => {
    const frame = requestAnimationFrame(() => nameRef.current?.querySelector<HTMLInputElement>("input[name=name]")?.focus());
    return () => cancelAnimationFrame(frame);
  }, [nameRef]);
  useEffect(() => {
    if (!state.ok || state.at === handled.current) return;
    handled.current = state.at;
    if (state.message) notify(state.message);
    onCreated();
  }, [state, notify, onCreated]);

  if (secret) {
    const allowedKeys = (state.data?.allowedProviders ?? "").split(",").filter(Boolean);
    return <NewKeySecret secret={secret} name={state.data?.name ?? ""} providers={providers} allowedKeys={allowedKeys} onClose={onClose} />;
  }

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  return (
    <form ref={nameRef} onSubmit={onSubmit} className={dialogFormStyles} noValidate>
      <DialogBody>
      <Field label="Name" name="name" required maxLength={KEY_NAME_MAX_LENGTH} autoComplete="off" state={state} placeholder="e.g. support-bot, laptop" hint="What will use the key, so you recognise it later." />
      <ProviderPicker providers={providers} state={state} />
      <div className={clsx("grid gap-4", users ? "sm:grid-cols-2" : "")}>
        <Field label="Expires on" name="expiresAt" type="date" min={tomorrow} state={state} hint="Optional. Works until the end of that day (UTC)." />
        {users ? (
          <Select label="Owner" name="userId" state={state} defaultValue={currentUserId}>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
                {u.id === currentUserId ? " (you)" : ""}
              </option>
            ))}
          </Select>
        ) : null}
      </div>
      <LimitFields state={state} limits={NO_LIMITS} who="key" />
      {!state.ok ? <FormMessage state={state} /> : null}
      </DialogBody>
      <DialogFooter>
        <button type="button" onClick={onClose} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
          Cancel
        </button>
        <PendingButton pending={pending} pendingText="Creating…">
          Create key
        </PendingButton>
      </DialogFooter>
    </form>
  );
}

/** The one and only time the secret is shown. */
function NewKeySecret({
  secret,
  name,
  providers,
  allowedKeys,
  onClose,
}: {
  secret: string;
  name: string;
  providers: ProviderOption[];
  allowedKeys: string[];
  onClose: () => void;
}) {
  const usable = allowedKeys.length > 0 ? providers.filter((p) => allowedKeys.includes(p.key)) : providers;
  const [providerKey, setProviderKey] = useState(usable[0]?.key ?? allowedKeys[0] ?? "");
  const provider = providers.find((p) => p.key === providerKey);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const snippet = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${origin}/gateway/${providerKey || "<provider-key>"}/v1",
  apiKey: process.env.GATEHOUSE_API_KEY, // the key above
});

const completion = await client.chat.completions.create({
  model: "${provider?.models[0] ?? "<model>"}",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(completion.choices[0].message.content);`;

  return (
    <div className={dialogFormStyles}>
      <DialogBody>
      <div className="flex gap-3 rounded-lg border border-amber-200 bg-amber-50 px-3.5 py-3 text-sm text-amber-900" role="alert">
        <TriangleAlert className="mt-0.5 h-4 w-4 shrink-0 text-amber-800" aria-hidden />
        <p>
          Copy <strong className="font-semibold">{name || "this key"}</strong> now. It will not be shown again: Gatehouse keeps only a hash of it.
        </p>
      </div>
      <div>
        <p className="mb-1.5 text-sm font-medium text-zinc-800">Your new key</p>
        <div className="flex items-center gap-2 rounded-lg border border-zinc-300 bg-zinc-50 py-1.5 pl-3 pr-1.5">
          <code className="min-w-0 flex-1 select-all break-all font-mono text-[13px] tracking-tight text-zinc-900" data-testid="new-key-secret">
            {secret}
          </code>
          <CopyButton value={secret} label="Copy key" />
        </div>
      </div>
      <div>
        <div className="mb-1.5 flex items-end justify-between gap-3">
          <p className="text-sm font-medium text-zinc-800">Use it with the OpenAI SDK</p>
          {usable.length > 1 ? (
            <label className="flex items-center gap-2 text-xs text-zinc-600">
              Provider
              <select
                aria-label="Provider"
                value={providerKey}
                onChange={(e) => setProviderKey(e.target.value)}
                className="rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-xs text-zinc-800"
              >
                {usable.map((p) => (
                  <option key={p.key} value={p.key}>
                    {p.key}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
        <div className="relative">
          {/* Focusable, so a keyboard can scroll the long lines sideways. */}
          <pre
            tabIndex={0}
            role="region"
            aria-label="Example code"
            className="overflow-x-auto rounded-lg bg-zinc-900 p-4 pt-12 font-mono text-xs leading-relaxed text-zinc-100 sm:pt-4"
            data-testid="new-key-snippet"
          >
            {snippet}
          </pre>
          <div className="absolute right-2 top-2">
            <CopyButton value={snippet} label="Copy code" />
          </div>
        </div>
        <p className="mt-1.5 text-xs text-zinc-600">
          Set <span className="font-mono">GATEHOUSE_API_KEY</span> to the key. Any OpenAI-compatible client works the same way: base URL plus the key as its API key.
        </p>
      </div>
      </DialogBody>
      <DialogFooter>
        <button type="button" onClick={onClose} className={clsx(buttonStyles.base, buttonStyles.primary)}>
          Done, I have copied it
        </button>
      </DialogFooter>
    </div>
  );
}
