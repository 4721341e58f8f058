"use client";

import type { ActionState } from "@/lib/auth/action-state";
import type { Limits } from "@/lib/limits/types";
import { Field, Select } from "./form";

/**
 * The budget and rate-limit fields of a key or a user (lib/limits/schemas reads them):
 * empty = no limit. See docs/gateway.md, "Budgets and rate limits".
 */
export function LimitFields({ state, limits, who }: { state: ActionState; limits: Limits; who: "key" | "user" }) {
  const scope = who === "key" ? "this key" : "all of this user's keys together";
  return (
    <fieldset className="space-y-4 rounded-lg border border-zinc-200 p-4">
      <legend className="px-1 text-sm font-semibold text-zinc-900">Budget and rate limits</legend>
      <p className="text-xs text-zinc-600">Leave a field empty for no limit. Limits count {scope}; periods and minutes are UTC.</p>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Budget (USD)"
          name="budgetUsd"
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          defaultValue={limits.budgetUsd ?? ""}
          state={state}
          hint="Calls are refused once this is spent."
        />
        <Select label="Budget period" name="budgetPeriod" state={state} defaultValue={limits.budgetPeriod ?? "month"}>
          <option value="day">Per day</option>
          <option value="week">Per week (from Monday)</option>
          <option value="month">Per month</option>
        </Select>
        <Field label="Requests per minute" name="requestsPerMinute" type="number" inputMode="numeric" min={1} step={1} defaultValue={limits.requestsPerMinute ?? ""} state={state} />
        <Field label="Tokens per minute" name="tokensPerMinute" type="number" inputMode="numeric" min={1} step={1} defaultValue={limits.tokensPerMinute ?? ""} state={state} hint="Prompt plus completion tokens." />
      </div>
    </fieldset>
  );
}
