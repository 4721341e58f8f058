"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { PendingButton, useActionForm } from "@/app/_components/action-form";
import { Field, FormMessage, Select, TextArea } from "@/app/_components/form";
import { useToast } from "@/app/_components/toaster";
import { buttonStyles } from "@/app/_components/ui";
import { initialActionState, type ActionState } from "@/lib/auth/action-state";
import { API_TYPE_MODULES, getApiType, type ApiType, type FetchedModel, type FormField } from "@/lib/providers/api-types";
import { formatModelLines, parseModelLines } from "@/lib/providers/model-lines";
import type { ProviderDTO } from "@/lib/providers/queries";
import { createProviderAction, testProviderAction, updateProviderAction } from "./actions";
import { TestResult, type TestOutcome } from "./test-result";

/** `My OpenAI` → `my-openai`: the same rule as the key's validation. */
function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

/** The type's non-secret fields as the form starts them: stored values, else the first option of each select. */
function initialValues(apiType: ApiType, provider?: ProviderDTO): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of getApiType(apiType).form) {
    if (f.kind === "secret") continue;
    out[f.name] = provider?.apiType === apiType ? (provider.fields[f.name] ?? "") : f.kind === "select" ? (f.options?.[0]?.value ?? "") : "";
  }
  return out;
}

/** Fills a preview template (`{origin}/v1/{accountId}/…`) with what is typed; blanks show as `{name}`. */
function fillPreview(template: string, values: Record<string, string>, origin: string): string {
  return template.replace(/\{(\w+)\}/g, (_all, name: string) => (name === "origin" ? origin.replace(/\/+$/, "") : values[name]?.trim() || `{${name}}`));
}

/** Adds fetched models that the text does not list yet, keeping every line as typed. */
function mergeFetched(text: string, fetched: FetchedModel[]): { text: string; added: number } {
  const listed = new Set(parseModelLines(text).models.map((m) => m.id));
  const fresh = fetched.filter((m) => !listed.has(m.id));
  if (fresh.length === 0) return { text, added: 0 };
  const lines = formatModelLines(fresh.map((m) => ({ id: m.id, displayName: m.displayName, contextWindow: m.contextWindow, maxTokens: m.maxTokens })));
  return { text: text.trim() === "" ? lines : `${text.replace(/\s+$/, "")}\n${lines}`, added: fresh.length };
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
 * A secret on the form: never sent back to the browser. When one is stored the field
 * starts empty ("leave blank to keep"), says it is stored with its last four characters,
 * and offers a checkbox to remove it.
 */
function SecretField({ field, stored, state }: { field: FormField; stored?: { last4: string | null }; state: ActionState }) {
  const [remove, setRemove] = useState(false);
  const storedText = stored ? (stored.last4 ? `Stored, ending in …${stored.last4}.` : "Stored.") : "";
  return (
    <div>
      <Field
        label={field.label}
        name={field.name}
        type="password"
        autoComplete="off"
        spellCheck={false}
        state={state}
        disabled={remove}
        placeholder={stored ? (remove ? "Will be removed" : "•••••••• (leave blank to keep)") : field.placeholder}
        hint={stored ? `${storedText} Leave blank to keep it, or type a new one to replace it.` : field.hint}
      />
      {stored ? (
        <label className="mt-2 flex items-center gap-2 text-sm text-zinc-700">
          <input type="checkbox" name={`remove:${field.name}`} checked={remove} onChange={(e) => setRemove(e.target.checked)} className="h-4 w-4 rounded border-zinc-300 accent-red-600" />
          Remove the stored {field.label}
        </label>
      ) : null}
    </div>
  );
}

/** A choice of a few options, one line each (Cloudflare's auth modes). */
function Choice({ field, value, onChange, state }: { field: FormField; value: string; onChange: (v: string) => void; state: ActionState }) {
  const errors = state.fieldErrors?.[field.name] ?? [];
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800">{field.label}</legend>
      <div className="mt-2 space-y-2">
        {field.options?.map((o) => (
          <label key={o.value} className={clsx("flex cursor-pointer gap-3 rounded-lg border px-3 py-2.5", value === o.value ? "border-zinc-900 bg-zinc-50" : "border-zinc-200")}>
            <input type="radio" name={field.name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} className="mt-0.5 h-4 w-4 accent-zinc-900" />
            <span className="min-w-0">
              <span className="block text-sm font-medium text-zinc-900">{o.label}</span>
              {o.hint ? <span className="block text-xs text-zinc-600">{o.hint}</span> : null}
            </span>
          </label>
        ))}
      </div>
      {errors.length > 0 ? (
        <ul className="mt-1.5 text-xs font-medium text-red-700" data-testid="field-errors">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

export function ProviderForm({ provider, cfOrigin }: { provider?: ProviderDTO; cfOrigin: string }) {
  const editing = provider !== undefined;
  const router = useRouter();
  const notify = useToast();
  const { state, pending, onSubmit, formRef } = useActionForm(editing ? updateProviderAction : createProviderAction);

  const [apiType, setApiType] = useState<ApiType>(provider?.apiType ?? "openai-completions");
  const spec = getApiType(apiType);
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(provider?.apiType ?? "openai-completions", provider));
  const [key, setKey] = useState(provider?.key ?? "");
  const [keyEdited, setKeyEdited] = useState(editing);
  const initialModels = provider ? formatModelLines(provider.models) : "";
  const [modelsText, setModelsText] = useState(initialModels);

  // Test and Fetch models: their own pending state and result, apart from Save.
  const [testing, startTest] = useTransition();
  const [intent, setIntent] = useState<"test" | "list">("test");
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [testState, setTestState] = useState<ActionState>(initialActionState);

  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!state.ok || state.at === handled.current) return;
    handled.current = state.at;
    if (state.message) notify(state.message);
    router.push("/providers");
  }, [state, notify, router]);

  // Field errors from the latest of Save and Test.
  const shown = (testState.at ?? 0) > (state.at ?? 0) ? testState : state;
  // On edit, unchanged models are not sent, so nothing is rewritten that was not touched.
  const sendModels = !editing || modelsText !== initialModels;
  const visible = spec.form.filter((f) => !f.showWhen || f.showWhen.values.includes(values[f.showWhen.field] ?? ""));
  const plainHttp = visible.some((f) => f.kind === "url" && /^http:\/\//i.test(values[f.name]?.trim() ?? ""));

  function chooseType(next: ApiType) {
    setApiType(next);
    setValues(initialValues(next, provider));
    setOutcome(null);
  }

  function runTest(kind: "test" | "list") {
    if (!formRef.current || testing) return;
    const formData = new FormData(formRef.current);
    formData.set("_intent", kind);
    setIntent(kind);
    startTest(async () => {
      const result = await testProviderAction(initialActionState, formData);
      setTestState(result);
      if (!result.ok || !result.data) {
        setOutcome({ ok: false, status: null, latencyMs: null, message: result.message ?? "The test could not run" });
        return;
      }
      const d = result.data;
      const fetched = JSON.parse(d.models ?? "[]") as FetchedModel[];
      let message = d.message ?? "";
      if (kind === "list" && d.ok === "true") {
        const merged = mergeFetched(modelsText, fetched);
        setModelsText(merged.text);
        message = `${message}; ${merged.added === 0 ? "all already in the list" : `${merged.added} added to the list`}`;
      }
      setOutcome({ ok: d.ok === "true", status: d.status ? Number(d.status) : null, latencyMs: Number(d.latencyMs), message });
    });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="rounded-xl border border-zinc-200 bg-white shadow-sm" data-testid="provider-form">
      {editing ? <input type="hidden" name="id" value={provider.id} /> : null}

      <Section title="Provider" description="What it is called, and where clients reach it.">
        <div>
          <Select label="API type" name="apiType" state={shown} value={apiType} disabled={editing} onChange={(e) => chooseType(e.target.value as ApiType)}>
            {API_TYPE_MODULES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </Select>
          {editing ? <input type="hidden" name="apiType" value={apiType} /> : null}
          <p className="mt-1.5 text-xs text-zinc-600">
            {spec.help}
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
            state={shown}
            placeholder={spec.label}
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
            state={shown}
            placeholder="openai"
            onChange={(e) => {
              setKey(e.target.value);
              setKeyEdited(true);
            }}
            hint={
              <>
                Lowercase letters, digits and dashes. Clients call <span className="font-mono text-zinc-700">/gateway/{key || "<key>"}/</span>
                {editing ? "; changing it breaks clients that use the old one." : "."}
              </>
            }
          />
        </div>
      </Section>

      <Section title="Connection" description={<>Where Gatehouse sends requests, and the credentials it adds. Clients never see them.</>}>
        <FieldRows fields={visible} values={values} setValues={setValues} provider={provider} state={shown} />
        {spec.preview ? (
          <div className="rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2.5">
            <p className="text-xs font-medium text-zinc-600">Endpoint</p>
            <p className="mt-1 break-all font-mono text-xs text-zinc-800" data-testid="endpoint-preview">
              {fillPreview(spec.preview, values, cfOrigin)}
            </p>
          </div>
        ) : null}
        {plainHttp ? (
          <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900" data-testid="plain-http-note">
            Plain http: the key and every prompt cross the network unencrypted. Allowed only for loopback and private addresses (a server on this host or your own network).
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" onClick={() => runTest("test")} disabled={testing} aria-busy={testing && intent === "test"} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
            {testing && intent === "test" ? "Testing…" : "Test"}
          </button>
          <span className="text-xs text-zinc-600">Sends one small request with what is typed here (saved or not), as the gateway would.</span>
        </div>
        {outcome && intent === "test" ? <TestResult outcome={outcome} /> : null}
      </Section>

      <Section title="Models" description="Shown to users and used to price requests. Requests for other models still pass through, unpriced.">
        <TextArea
          label="Models"
          name={sendModels ? "models" : "_models"}
          rows={6}
          spellCheck={false}
          value={modelsText}
          onChange={(e) => setModelsText(e.target.value)}
          state={shown}
          placeholder={'model-id 0.15 0.60 0.075 name="Display name" context=128k max=16384'}
          hint={
            <>
              One model per line: <span className="font-mono">id [input output cached-input] [name=&quot;…&quot;] [context=N] [max=N] [write=P]</span>. Prices in USD per million tokens,
              context window and max output in tokens (128k allowed), write = cache-write price.
            </>
          }
        />
        {spec.listModels ? (
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" onClick={() => runTest("list")} disabled={testing} aria-busy={testing && intent === "list"} className={clsx(buttonStyles.base, buttonStyles.secondary)}>
              {testing && intent === "list" ? "Fetching…" : "Fetch models"}
            </button>
            <span className="text-xs text-zinc-600">Adds the models the upstream lists that are not here yet.</span>
          </div>
        ) : null}
        {outcome && intent === "list" ? <TestResult outcome={outcome} /> : null}
      </Section>

      <div className="flex flex-col gap-3 rounded-b-xl border-t border-zinc-100 bg-zinc-50/60 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div className="min-w-0 flex-1">{!shown.ok ? <FormMessage state={shown} /> : null}</div>
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

/** The type's own inputs in form order; two `half` fields in a row share it. */
function FieldRows({
  fields,
  values,
  setValues,
  provider,
  state,
}: {
  fields: FormField[];
  values: Record<string, string>;
  setValues: (fn: (v: Record<string, string>) => Record<string, string>) => void;
  provider?: ProviderDTO;
  state: ActionState;
}) {
  const rows: FormField[][] = [];
  for (const f of fields) {
    const last = rows.at(-1);
    if (f.half && last?.length === 1 && last[0]!.half) last.push(f);
    else rows.push([f]);
  }
  const set = (name: string) => (v: string) => setValues((old) => ({ ...old, [name]: v }));
  return (
    <>
      {rows.map((row) => (
        <div key={row.map((f) => f.name).join()} className={clsx(row.length > 1 && "grid gap-4 sm:grid-cols-2")}>
          {row.map((f) =>
            f.kind === "secret" ? (
              <SecretField key={f.name} field={f} stored={provider?.secrets[f.name as keyof ProviderDTO["secrets"]]} state={state} />
            ) : f.kind === "select" ? (
              <Choice key={f.name} field={f} value={values[f.name] ?? ""} onChange={set(f.name)} state={state} />
            ) : (
              <Field
                key={f.name}
                label={f.label}
                name={f.name}
                type={f.kind === "url" ? "url" : "text"}
                required={f.required}
                autoComplete="off"
                spellCheck={false}
                value={values[f.name] ?? ""}
                onChange={(e) => set(f.name)(e.target.value)}
                state={state}
                placeholder={f.placeholder}
                hint={f.hint}
              />
            ),
          )}
        </div>
      ))}
    </>
  );
}
