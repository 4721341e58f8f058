"use client";

import { useId, useState } from "react";
import type { ActionState } from "@/lib/auth/action-state";

/**
 * Picks the providers a key may use from the real ones (checkboxes, none ticked = every
 * provider). The choice is sent as one `allowedProviders` field, comma-separated.
 */
export function ProviderPicker({ providers, initial = [], state }: { providers: { key: string; name: string }[]; initial?: string[]; state: ActionState }) {
  const [selected, setSelected] = useState<string[]>(initial);
  const hintId = useId();
  const errors = !state.ok ? (state.fieldErrors?.allowedProviders ?? []) : [];
  // A provider that no longer exists but is still on the key stays listed, so it can be removed.
  const options = [...providers, ...initial.filter((k) => !providers.some((p) => p.key === k)).map((key) => ({ key, name: "deleted provider" }))];
  return (
    <fieldset aria-describedby={hintId}>
      <legend className="block text-sm font-medium text-zinc-800">Allowed providers</legend>
      <input type="hidden" name="allowedProviders" value={selected.join(",")} />
      {options.length === 0 ? (
        <p className="mt-1.5 text-sm text-zinc-600">No providers yet: the key will work with every provider added later.</p>
      ) : (
        <div className="mt-1.5 grid max-h-48 gap-1 overflow-y-auto rounded-lg border border-zinc-300 p-2 sm:grid-cols-2">
          {options.map((p) => (
            <label key={p.key} className="flex min-w-0 items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-zinc-50">
              <input
                type="checkbox"
                checked={selected.includes(p.key)}
                onChange={(e) => setSelected((s) => (e.target.checked ? [...s, p.key] : s.filter((k) => k !== p.key)))}
                className="h-4 w-4 rounded border-zinc-300"
              />
              <span className="truncate font-mono text-xs text-zinc-800">{p.key}</span>
              <span className="truncate text-xs text-zinc-600">{p.name}</span>
            </label>
          ))}
        </div>
      )}
      {errors.length > 0 ? (
        <ul className="mt-1.5 space-y-0.5 text-xs font-medium text-red-700" data-testid="field-errors">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : (
        <p id={hintId} className="mt-1.5 text-xs text-zinc-600">
          {selected.length === 0 ? "None ticked: every provider." : `${selected.length} selected.`}
        </p>
      )}
    </fieldset>
  );
}
