"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { Field, FormMessage, Select, TextArea } from "@/app/_components/form";
import { useToast } from "@/app/_components/toaster";
import { buttonStyles } from "@/app/_components/ui";
import type { ActionState } from "@/lib/auth/action-state";
import type { ProviderDTO } from "@/lib/providers/queries";
import { API_TYPE_MODULES, getApiType, type ApiType } from "@/lib/providers/api-types";
import { createProviderAction, updateProviderAction } from "./actions";


/** `My OpenAI` → `my-openai`: the same rule as the key's validation. */
function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

/** Models back into the form's line format: `id [input output]`. */
function modelsToText(models: ProviderDTO["models"]): string {
  return models
    .map((m) => (m.inputCostPerMTok === undefined && m.outputCostPerMTok === undefined ? m.id : `${m.id} ${m.inputCostPerMTok ?? 0} ${m.outputCostPerMTok ?? 0}`))
    .join("\n");
}

function Section({ title, description, children }: { title: string; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className="grid gap-x-8 gap-y-4 border-b border-zinc-100 px-4 py-5 sm:px-6 sm:py-6 last:border-b-0 md:grid-cols-[14rem_1fr]">
      <div>
        <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
        {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
      </div>
      <div className="space-y-4">{children}</div>
    </section>
  );
}

/**
 * A stored secret on the edit form: never sent back to the browser, so the field starts
 * empty ("leave blank to keep"), with a checkbox to remove it.
 */
function SecretField({
  label,
  name,
  removeName,
  removeLabel,
  storedText,
  stored,
  state,
  hint,
  placeholder,
}: {
  label: string;
  name: string;
  removeName: string;
  removeLabel: string;
  storedText: string;
  stored: boolean;
  state: ActionState;
  hint: React.ReactNode;
  placeholder?: string;
}) {
  const [remove, setRemove] = useState(false);
  return (
    <div>
      <Field
        label={label}
        name={name}
        type="password"
        autoComplete="off"
        spellCheck={false}
        state={state}
        disabled={remove}
        placeholder={stored ? (remove ? "Will be removed" : "•••••••• (leave blank to keep)") : placeholder}
        hint={stored ? `${storedText} Leave blank to keep it, or type a new one to replace it.` : hint}
      />
      {stored ? (
        <label className="mt-2 flex items-center gap-2 text-sm text-zinc-700">
          <input type="checkbox" name={removeName} checked={remove} onChange={(e) => setRemove(e.target.checked)} className="h-4 w-4 rounded border-zinc-300 accent-red-600" />
          {removeLabel}
        </label>
      ) : null}
    </div>
  );
}

export function ProviderForm({ provider, cfOrigin }: { provider?: ProviderDTO; cfOrigin: string }) {
  const editing = provider !== undefined;
  const router = useRouter();
  const notify = useToast();
  const { state, pending, onSubmit, formRef } = useActionForm(editing ? updateProviderAction : createProviderAction);

  const [apiType, setApiType] = useState<ApiType>(provider?.apiType ?? "openai-completions");
  const [key, setKey] = useState(provider?.key ?? "");
  const [keyEdited, setKeyEdited] = useState(editing);
  const [accountId, setAccountId] = useState(provider?.fields.accountId ?? "");
  const [gatewayId, setGatewayId] = useState(provider?.fields.gatewayId ?? "");
  const initialModels = provider ? modelsToText(provider.models) : "";
  const [modelsText, setModelsText] = useState(initialModels);

  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state.ok || state.at === handled.current) return;
    handled.current = state.at;
    if (state.message) notify(state.message);
    router.push("/providers");
  }, [state, notify, router]);

  const cf = apiType === "cloudflare-ai-gateway";
  const previewUrl = `${cfOrigin.replace(/\/+$/, "")}/v1/${accountId.trim().toLowerCase() || "{account_id}"}/${gatewayId.trim() || "{gateway}"}/compat`;
  // On edit, unchanged models are not sent, so details the line format cannot hold
  // (context window, max tokens set through the API) survive a save.
  const sendModels = !editing || modelsText !== initialModels;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="rounded-xl border border-zinc-200 bg-white shadow-sm" data-testid="provider-form">
      {editing ? <input type="hidden" name="id" value={provider.id} /> : null}

      <Section title="Provider" description="What it is called, and where clients reach it.">
        <div>
          <Select
            label="API type"
            name="apiType"
            state={state}
            value={apiType}
            disabled={editing}
            onChange={(e) => setApiType(e.target.value as ApiType)}
          >
            {API_TYPE_MODULES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </Select>
          <p className="mt-1.5 text-xs text-zinc-600">
            {getApiType(apiType).help}
            {editing ? " The API type cannot change; add a new provider instead." : ""}
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Name"
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            defaultValue={provider?.name ?? ""}
            state={state}
            placeholder={cf ? "Cloudflare AI Gateway" : "OpenAI"}
            autoFocus={!editing}
            onChange={(e) => {
              if (!keyEdited) setKey(slugify(e.target.value));
            }}
          />
          <Field
            label="Key"
            name="key"
            required
            maxLength={63}
            autoComplete="off"
            spellCheck={false}
            value={key}
            state={state}
            placeholder={cf ? "cf-gateway" : "openai"}
            onChange={(e) => {
              setKey(e.target.value);
              setKeyEdited(true);
            }}
            hint={
              <>
                Lowercase letters, digits and dashes. Clients call <span className="font-mono text-zinc-700">/gateway/{key || "<key>"}/v1</span>
                {editing ? "; changing it breaks clients that use the old one." : "."}
              </>
            }
          />
        </div>
      </Section>

      {cf ? (
        <Section
          title="Cloudflare AI Gateway"
          description={
            <>
              Find both in the Cloudflare dashboard: <span className="text-zinc-700">AI → AI Gateway</span>.
            </>
          }
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Account ID"
              name="accountId"
              required
              autoComplete="off"
              spellCheck={false}
              value={accountId}
              onChange={(e) => setAccountId(e.target.value)}
              state={state}
              placeholder="0123456789abcdef0123456789abcdef"
              hint="32 hexadecimal characters."
            />
            <Field
              label="Gateway"
              name="gatewayId"
              required
              autoComplete="off"
              spellCheck={false}
              value={gatewayId}
              onChange={(e) => setGatewayId(e.target.value)}
              state={state}
              placeholder="my-gateway"
              hint="The gateway's name (its id)."
            />
          </div>
          <div className="rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2.5">
            <p className="text-xs font-medium text-zinc-600">Upstream URL</p>
            <p className="mt-1 break-all font-mono text-xs text-zinc-800" data-testid="cf-url-preview">
              {previewUrl}
            </p>
          </div>
          <SecretField
            label="Authentication token (optional)"
            name="gatewayToken"
            removeName="removeGatewayToken"
            removeLabel="Remove the stored token"
            storedText="A token is stored."
            stored={provider?.secrets.gatewayToken !== undefined}
            state={state}
            placeholder="Cloudflare AI Gateway token"
            hint={
              <>
                For an authenticated gateway or Unified Billing; sent as <span className="font-mono">cf-aig-authorization</span>.
              </>
            }
          />
          <ApiKeyField
            label="API key (optional)"
            stored={provider?.secrets.apiKey !== undefined}
            state={state}
            hint="The upstream provider's key. Leave empty when the gateway stores keys (BYOK) or bills through Cloudflare."
          />
        </Section>
      ) : (
        <Section title="Connection" description="The API's base URL and the key Gatehouse sends upstream. Clients never see it.">
          <Field
            label="Base URL"
            name="baseUrl"
            type="url"
            required
            autoComplete="off"
            spellCheck={false}
            defaultValue={provider?.baseUrl ?? ""}
            state={state}
            placeholder="https://api.openai.com/v1"
            hint="Up to and including /v1, e.g. https://api.openai.com/v1 or http://localhost:11434/v1."
          />
          <ApiKeyField label="API key" stored={provider?.secrets.apiKey !== undefined} state={state} hint="Optional for local servers that need no key." />
        </Section>
      )}

      <Section
        title="Models"
        description="Shown to users and used to price requests. Requests for other models still pass through, unpriced."
      >
        <TextArea
          label="Models"
          name={sendModels ? "models" : "_models"}
          rows={6}
          spellCheck={false}
          value={modelsText}
          onChange={(e) => setModelsText(e.target.value)}
          state={state}
          placeholder={cf ? "openai/gpt-4o-mini 0.15 0.60\nworkers-ai/@cf/meta/llama-3.1-8b-instruct" : "gpt-4o-mini 0.15 0.60\ngpt-4o 2.50 10.00"}
          hint="One model per line: the model id, then optionally the input and output price in USD per million tokens."
        />
      </Section>

      <div className="flex flex-col gap-3 rounded-b-xl border-t border-zinc-100 bg-zinc-50/60 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div className="min-w-0 flex-1">{!state.ok ? <FormMessage state={state} /> : null}</div>
        <div className="flex shrink-0 gap-2">
          <Link href="/providers" className={clsx(buttonStyles.base, buttonStyles.secondary)}>
            Cancel
          </Link>
          <PendingButton pending={pending} pendingText={editing ? "Saving…" : "Adding…"}>
            {editing ? "Save changes" : "Add provider"}
          </PendingButton>
        </div>
      </div>
    </form>
  );
}

/** The upstream API key field, the same for both API types but for its label and hint. */
function ApiKeyField({ label, stored, state, hint }: { label: string; stored: boolean; state: ActionState; hint: string }) {
  return (
    <SecretField
      label={label}
      name="apiKey"
      removeName="removeApiKey"
      removeLabel="Remove the stored API key"
      storedText="A key is stored."
      stored={stored}
      state={state}
      placeholder="sk-…"
      hint={hint}
    />
  );
}
