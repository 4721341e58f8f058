"use client";

import { useLinkStatus } from "next/link";

/**
 * Put inside a `<Link>`: from the click until the next page is ready, a bar runs along
 * the top of the window and screen readers hear "Loading…", so a slow connection shows
 * progress at once.
 *
 * Why not `loading.tsx`: in Next.js 15.5 a segment with `loading.tsx` loses client state
 * (an open dialog, a new key's one-time secret) when a server action calls
 * `revalidatePath` right after a full page load (vercel/next.js#66426), and a page's
 * `forbidden()`/`notFound()` can no longer set the status once the fallback has streamed.
 */
export function LinkProgress() {
  const { pending } = useLinkStatus();
  if (!pending) return null;
  return (
    <>
      <span className="sr-only" role="status">
        Loading…
      </span>
      <span className="fixed inset-x-0 top-0 z-50 block h-0.5 overflow-hidden bg-brand-100" aria-hidden data-testid="link-progress">
        <span className="block h-full w-1/3 animate-[loading-bar_1.2s_ease-in-out_infinite] bg-brand-500" />
      </span>
    </>
  );
}
