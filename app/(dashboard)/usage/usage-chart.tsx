"use client";

import clsx from "clsx";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/format/money";

export interface ChartPoint {
  /** Start of the hour or UTC day, ISO. */
  at: string;
  requests: number;
  tokens: number;
  costUsd: number;
}

const METRICS = {
  requests: { label: "Requests", format: (n: number) => n.toLocaleString("en") },
  tokens: { label: "Tokens", format: (n: number) => n.toLocaleString("en") },
  costUsd: { label: "Cost", format: (n: number) => formatUsd(n) },
} as const;
type Metric = keyof typeof METRICS;

/** Requests, tokens or cost per hour or UTC day (Recharts), with the same numbers as a table for screen readers and tests. */
export function UsageChart({ points, bucket }: { points: ChartPoint[]; bucket: "hour" | "day" }) {
  const [metric, setMetric] = useState<Metric>("requests");
  const label = (iso: string) =>
    bucket === "hour"
      ? new Date(iso).toLocaleString("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" })
      : new Date(iso).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
  const active = points.filter((p) => p.requests > 0);
  return (
    <div data-testid="usage-chart">
      <div className="flex flex-wrap items-center justify-between gap-2 px-5 pt-4">
        <p className="text-xs text-zinc-600">Per {bucket === "hour" ? "hour" : "day"}, UTC</p>
        <div role="group" aria-label="Chart shows" className="inline-flex rounded-lg border border-zinc-300 p-0.5">
          {(Object.keys(METRICS) as Metric[]).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={metric === m}
              onClick={() => setMetric(m)}
              className={clsx("rounded-md px-2.5 py-1 text-xs font-medium", metric === m ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100")}
            >
              {METRICS[m].label}
            </button>
          ))}
        </div>
      </div>
      {/* Hidden from screen readers, which get the same numbers in the table below; not focusable. */}
      <div className="h-64 px-2 py-3" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
            <XAxis dataKey="at" tickFormatter={label} tick={{ fontSize: 11, fill: "#52525b" }} minTickGap={24} />
            <YAxis tickFormatter={(v: number) => (metric === "costUsd" ? formatUsd(v) : v.toLocaleString("en"))} tick={{ fontSize: 11, fill: "#52525b" }} width={64} allowDecimals={metric === "costUsd"} />
            <Tooltip labelFormatter={(v) => label(String(v))} formatter={(v) => [METRICS[metric].format(Number(v)), METRICS[metric].label]} />
            <Bar dataKey={metric} fill="#f38020" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details className="border-t border-zinc-100 px-5 py-2 text-sm">
        <summary className="cursor-pointer text-xs font-medium text-zinc-700">Show as a table ({active.length} {bucket === "hour" ? "hours" : "days"} with calls)</summary>
        <table className="mt-2 w-full text-xs" data-testid="usage-series-table">
          <thead>
            <tr className="text-left text-zinc-600">
              <th scope="col" className="py-1 font-medium">{bucket === "hour" ? "Hour (UTC)" : "Day (UTC)"}</th>
              <th scope="col" className="py-1 text-right font-medium">Requests</th>
              <th scope="col" className="py-1 text-right font-medium">Tokens</th>
              <th scope="col" className="py-1 text-right font-medium">Cost</th>
            </tr>
          </thead>
          <tbody>
            {active.map((p) => (
              <tr key={p.at} data-at={p.at} className="border-t border-zinc-100 tabular-nums">
                <td className="py-1">{label(p.at)}</td>
                <td className="py-1 text-right">{p.requests.toLocaleString("en")}</td>
                <td className="py-1 text-right">{p.tokens.toLocaleString("en")}</td>
                <td className="py-1 text-right">{formatUsd(p.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
