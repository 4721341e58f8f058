/**
 * What a dashboard section shows the moment a link is followed, while its server
 * component loads (each section's `loading.tsx`): the section's title, a progress bar
 * and grey shapes of what is coming, announced once to screen readers.
 */
export function PageSkeleton({ title, kind = "table" }: { title: string; kind?: "table" | "form" | "stats" | "cards" }) {
  return (
    <div role="status" aria-live="polite" data-testid="page-loading">
      <div className="fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden bg-brand-100" aria-hidden>
        <div className="h-full w-1/3 animate-[loading-bar_1.2s_ease-in-out_infinite] bg-brand-500" />
      </div>
      <span className="sr-only">Loading {title}…</span>
      <div aria-hidden>
        <p className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</p>
        <div className="mt-2 h-4 w-full max-w-md animate-pulse rounded bg-zinc-200" />
        {kind === "stats" || kind === "cards" ? (
          <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="h-24 animate-pulse rounded-xl border border-zinc-200 bg-white" />
            ))}
          </div>
        ) : null}
        {kind === "form" ? (
          <div className="mt-6 space-y-4 rounded-xl border border-zinc-200 bg-white p-6">
            {[0, 1, 2].map((i) => (
              <div key={i} className="space-y-2">
                <div className="h-3.5 w-24 animate-pulse rounded bg-zinc-200" />
                <div className="h-9 w-full animate-pulse rounded-lg bg-zinc-100" />
              </div>
            ))}
          </div>
        ) : kind === "cards" ? (
          <div className="mt-6 h-40 animate-pulse rounded-xl border border-zinc-200 bg-white" />
        ) : (
          <div className="mt-6 divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="flex items-center gap-4 px-5 py-4">
                <div className="h-4 w-1/4 animate-pulse rounded bg-zinc-200" />
                <div className="h-4 w-1/3 animate-pulse rounded bg-zinc-100" />
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
