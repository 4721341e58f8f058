"use client";

/**
 * `RelativeTime` (ui.tsx) for client components. The server and the browser render a
 * moment apart ("24 seconds ago" vs "25 seconds ago"), so the text may legitimately
 * differ on hydration; the warning is suppressed on this element only.
 */
export function TimeAgo({ iso, empty = "Never" }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-600">{empty}</span>;
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const text =
    abs < 60
      ? rtf.format(-seconds, "second")
      : abs < 3600
        ? rtf.format(-Math.round(seconds / 60), "minute")
        : abs < 86400
          ? rtf.format(-Math.round(seconds / 3600), "hour")
          : rtf.format(-Math.round(seconds / 86400), "day");
  return (
    <time dateTime={iso} title={date.toUTCString()} suppressHydrationWarning>
      {text}
    </time>
  );
}
