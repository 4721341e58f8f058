"use client";

import clsx from "clsx";
import { useState, useTransition } from "react";
import { buttonStyles } from "@/app/_components/ui";
import { initialActionState } from "@/lib/auth/action-state";
import { testProviderAction } from "./actions";
import { TestResult, type TestOutcome } from "./test-result";

/** The list's Test button: probes the stored provider and shows the result under the row's actions. */
export function RowTestButton({ id, subject }: { id: string; subject: string }) {
  const [testing, start] = useTransition();
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  function run() {
    const formData = new FormData();
    formData.set("id", id);
    formData.set("_intent", "test");
    start(async () => {
      const result = await testProviderAction(initialActionState, formData);
      const d = result.data;
      setOutcome(
        result.ok && d
          ? { ok: d.ok === "true", status: d.status ? Number(d.status) : null, latencyMs: Number(d.latencyMs), message: d.message ?? "" }
          : { ok: false, status: null, latencyMs: null, message: result.message ?? "The test could not run" },
      );
    });
  }
  return (
    <>
      <button type="button" onClick={run} disabled={testing} aria-busy={testing} className={clsx(buttonStyles.base, buttonStyles.ghost, buttonStyles.small)}>
        {testing ? "Testing…" : "Test"}
        <span className="sr-only"> {subject}</span>
      </button>
      {outcome ? (
        <div className="basis-full text-left md:max-w-72">
          <TestResult outcome={outcome} />
        </div>
      ) : null}
    </>
  );
}
