import { Logo } from "@/app/_components/ui";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-zinc-50 to-zinc-100 px-4 py-12">
      <Logo className="mb-8 text-xl text-zinc-900" />
      <div className="w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm">{children}</div>
      <p className="mt-6 text-xs text-zinc-600">Gatehouse · self-hosted control plane for Cloudflare Zero Trust teams</p>
    </main>
  );
}
