import Link from "next/link";
import { Logo } from "./_components/ui";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-zinc-100 px-4">
      <Logo className="mb-8 text-xl" />
      <div className="max-w-md rounded-2xl border border-zinc-200 bg-white p-8 text-center shadow-sm">
        <p className="text-xs font-semibold uppercase tracking-wide text-zinc-600">404</p>
        <h1 className="mt-2 text-xl font-semibold">Nothing here</h1>
        <Link href="/" className="mt-6 inline-block text-sm font-medium underline underline-offset-4">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
