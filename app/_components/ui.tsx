import clsx from "clsx";
import Link from "next/link";
import { LinkProgress } from "./link-progress";

/** Presentational building blocks shared by every page (no state, server-safe). */

export function Logo({ className }: { className?: string }) {
  return (
    <span className={clsx("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <svg viewBox="0 0 32 32" className="h-7 w-7" aria-hidden>
        <rect width="32" height="32" rx="8" fill="#18181b" />
        <path d="M8 25V13l8-6 8 6v12h-5v-7h-6v7z" fill="#f38020" />
      </svg>
      Gatehouse
    </span>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-zinc-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Card({ children, className, title, description }: { children: React.ReactNode; className?: string; title?: string; description?: React.ReactNode }) {
  return (
    <section className={clsx("rounded-xl border border-zinc-200 bg-white shadow-sm", className)}>
      {title ? (
        <header className="border-b border-zinc-100 px-5 py-4">
          <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
          {description ? <p className="mt-0.5 text-sm text-zinc-600">{description}</p> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

const badgeTones = {
  neutral: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  brand: "bg-brand-50 text-brand-800 ring-brand-100",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  blue: "bg-sky-50 text-sky-700 ring-sky-200",
} as const;

export function Badge({ children, tone = "neutral" }: { children: React.ReactNode; tone?: keyof typeof badgeTones }) {
  return <span className={clsx("inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset", badgeTones[tone])}>{children}</span>;
}

export const buttonStyles = {
  base: "inline-flex items-center justify-center gap-1.5 rounded-lg px-3.5 py-2 text-sm font-medium transition focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-50 disabled:saturate-0",
  primary: "bg-zinc-900 text-white hover:bg-zinc-700 focus-visible:outline-zinc-900",
  secondary: "border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 focus-visible:outline-zinc-400",
  danger: "bg-red-700 text-white hover:bg-red-800 focus-visible:outline-red-700",
  ghost: "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-zinc-400",
  /** A quiet destructive button (row actions); the confirmation uses `danger`. */
  dangerGhost: "text-red-700 hover:bg-red-50 focus-visible:outline-red-600",
  small: "px-2.5 py-1.5 text-xs",
};

export function ButtonLink({ href, children, variant = "primary" }: { href: string; children: React.ReactNode; variant?: "primary" | "secondary" }) {
  return (
    <Link href={href} className={clsx(buttonStyles.base, buttonStyles[variant])}>
      {children}
      <LinkProgress />
    </Link>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center px-6 py-14 text-center">
      <div className="mb-3 flex h-11 w-11 items-center justify-center rounded-full bg-zinc-100 text-zinc-600" aria-hidden>
        <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M4 7h16M4 12h16M4 17h10" strokeLinecap="round" />
        </svg>
      </div>
      <h3 className="text-sm font-semibold text-zinc-900">{title}</h3>
      {children ? <p className="mt-1 max-w-sm text-sm text-zinc-600">{children}</p> : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}

/**
 * A data table that holds on a phone. `layout="stack"` (the default): below the `md`
 * breakpoint every row becomes a card of label/value lines (each {@link Td} names its
 * column with `label`; the header row stays for screen readers). `layout="scroll"`: the
 * table scrolls sideways inside its own box, with a shadow at the edge that has more
 * columns and a "scroll sideways" hint on narrow screens. `label` names the table for
 * screen readers (and the scroll box, which is focusable so keyboards can scroll it).
 * Explicit table roles keep the semantics when CSS turns the rows into blocks.
 */
export function Table({ children, label, layout = "stack" }: { children: React.ReactNode; label: string; layout?: "stack" | "scroll" }) {
  if (layout === "scroll") {
    return (
      <div>
        <p className="flex items-center gap-1 px-4 pt-2 text-xs text-zinc-600 md:hidden" aria-hidden>
          Scroll sideways for more columns <span>→</span>
        </p>
        {/* A focusable region so keyboard users can scroll it (WCAG 2.1.1). */}
        <div className="table-scroll relative overflow-x-auto" role="region" aria-label={label} tabIndex={0}>
          <table className="min-w-full divide-y divide-zinc-200 text-sm">{children}</table>
        </div>
      </div>
    );
  }
  return (
    <div className="relative md:overflow-x-auto">
      <table role="table" aria-label={label} className="table-stack min-w-full divide-y divide-zinc-200 text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" role="columnheader" className={clsx("bg-zinc-50 px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600", className)}>
      {children}
    </th>
  );
}

/**
 * A cell. `label` is the column's name, shown before the value when the table is
 * stacked on a phone; leave it out for cells that speak for themselves (row actions).
 */
export function Td({ children, className, label }: { children?: React.ReactNode; className?: string; label?: string }) {
  return (
    <td role="cell" data-label={label} className={clsx("px-4 py-3 align-middle text-zinc-700 md:whitespace-nowrap", className)}>
      {children}
    </td>
  );
}

/** Secondary text under a value ("Created 3 min ago"): small, at a contrast of 4.5:1 or more. */
export function Muted({ children, className }: { children: React.ReactNode; className?: string }) {
  return <span className={clsx("text-xs text-zinc-600", className)}>{children}</span>;
}

/** "3 min ago" style, with the exact time on hover. */
export function RelativeTime({ iso, empty = "Never" }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-600">{empty}</span>;
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const abs = Math.abs(seconds);
  const text =
    abs < 60 ? rtf.format(-seconds, "second") : abs < 3600 ? rtf.format(-Math.round(seconds / 60), "minute") : abs < 86400 ? rtf.format(-Math.round(seconds / 3600), "hour") : rtf.format(-Math.round(seconds / 86400), "day");
  return (
    <time dateTime={iso} title={date.toUTCString()}>
      {text}
    </time>
  );
}

export function Code({ children }: { children: React.ReactNode }) {
  return <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[0.8em] text-zinc-800">{children}</code>;
}
