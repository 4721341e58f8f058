import { logoutAction } from "@/app/(auth)/actions";
import { Toaster } from "@/app/_components/toaster";
import { Logo } from "@/app/_components/ui";
import { requirePageUser } from "@/lib/auth/dal";
import { getAuthConfig } from "@/lib/auth/sign-in";
import { NavLinks } from "./nav-links";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const principal = await requirePageUser();
  const config = getAuthConfig();
  const isAdmin = principal.role === "admin";
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white">
        <div className="px-5 py-5">
          <Logo />
        </div>
        <NavLinks isAdmin={isAdmin} />
        <div className="mt-auto border-t border-zinc-100 p-4">
          <div className="flex items-center gap-3">
            <div className="flex h-9 w-9 items-center justify-center rounded-full bg-zinc-900 text-sm font-semibold uppercase text-white" aria-hidden>
              {principal.username.slice(0, 1)}
            </div>
            <div className="min-w-0">
              <p className="truncate text-sm font-medium text-zinc-900" data-testid="current-user">
                {principal.username}
              </p>
              <p className="truncate text-xs text-zinc-500">{principal.email ?? (isAdmin ? "Admin" : "User")}</p>
            </div>
          </div>
          <p className="mt-3 text-[11px] text-zinc-400">
            {principal.method === "session" ? "Signed in with password" : principal.method === "cloudflare-service-token" ? "Cloudflare service token" : "Signed in via Cloudflare Access"}
          </p>
          {config.cf_access_enabled ? (
            <a href={config.logout_url} className="mt-2 block rounded-lg px-2 py-1.5 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900">
              Sign out
            </a>
          ) : (
            <form action={logoutAction} className="mt-2">
              <button type="submit" className="w-full rounded-lg px-2 py-1.5 text-left text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900">
                Sign out
              </button>
            </form>
          )}
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">
        <div className="mx-auto max-w-6xl">
          <Toaster>{children}</Toaster>
        </div>
      </main>
    </div>
  );
}
