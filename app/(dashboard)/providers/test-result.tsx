"use client";

import clsx from "clsx";

/** What a Test (or Fetch models) came back with, as the form and the list show it. */
export interface TestOutcome {
  ok: boolean;
  status: number | null;
  latencyMs: number | null;
  message: string;
}

/** The result line: success with status and latency, or the upstream's own error text. */
export function TestResult({ outcome }: { outcome: TestOutcome }) {
  return (
    <div
      role="status"
      data-testid="test-result"
      className={clsx("rounded-lg px-3 py-2 text-sm break-words", outcome.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800")}
    >
      <p className="font-medium">
        {outcome.ok ? "Works" : "Failed"}
        {outcome.status !== null ? ` · HTTP ${outcome.status}` : ""}
        {outcome.latencyMs !== null ? ` · ${outcome.latencyMs} ms` : ""}
      </p>
      <p className="mt-0.5 text-xs">{outcome.message}</p>
    </div>
  );
}
