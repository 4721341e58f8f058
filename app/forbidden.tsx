import Link from "next/link";
import { getResolution } from "@/lib/auth/dal";
import { AccessDeniedNotice } from "./_components/access-notices";
import { Logo } from "./_components/ui";

// Rendered with status 403 by forbidden(): an unknown identity, or a non-admin on an admin page.
export default async function Forbidden() {
  const resolution = await getResolution();
  if (!resolution.ok) return <AccessDeniedNotice />;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-zinc-100 px-4">
      <Logo className="mb-8 text-xl" />
      <div className="max-w-md rounded-2xl border border-zinc-200 bg-white p-8 text-center shadow-sm">
        <p className="text-xs font-semibold uppercase tracking-wide text-red-600">403 · Admins only</p>
        <h1 className="mt-2 text-xl font-semibold">This page is for admins</h1>
        <p className="mt-3 text-sm text-zinc-600">You are signed in as {resolution.principal.username}, who is not an admin.</p>
        <Link href="/" className="mt-6 inline-block text-sm font-medium underline underline-offset-4">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
