"use client";

import clsx from "clsx";
import { Menu, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { LinkProgress } from "@/app/_components/link-progress";
import { Logo } from "@/app/_components/ui";

const items = [
  { href: "/", label: "Overview", admin: false },
  { href: "/keys", label: "Virtual keys", admin: false },
  { href: "/models", label: "Models", admin: false },
  { href: "/usage", label: "Usage", admin: false },
  { href: "/providers", label: "Providers", admin: true },
  { href: "/users", label: "Users", admin: true },
  { href: "/account", label: "Account", admin: false },
];

/**
 * The dashboard's navigation: a sidebar from the md breakpoint up; on a phone a top bar
 * whose Menu button opens the same links (and the signed-in user and Sign out) below it.
 * The menu closes when a link is followed.
 */
export function AppNav({ isAdmin, footer }: { isAdmin: boolean; footer: React.ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <div className="flex items-center justify-between px-4 py-3 md:px-5 md:py-5">
        <Link href="/" className="rounded-lg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900">
          <Logo />
        </Link>
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-controls={panelId}
          className="inline-flex items-center gap-1.5 rounded-lg border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 md:hidden"
        >
          {open ? <X className="h-4 w-4" aria-hidden /> : <Menu className="h-4 w-4" aria-hidden />}
          Menu
        </button>
      </div>
      <div id={panelId} className={clsx(open ? "flex" : "hidden", "min-h-0 flex-1 flex-col border-t border-zinc-100 md:flex md:border-t-0")}>
        <nav className="flex flex-col gap-0.5 px-3 py-2 md:py-0" aria-label="Main">
          {items
            .filter((item) => isAdmin || !item.admin)
            .map((item) => {
              const active = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
              return (
                <Link
                  key={item.href}
                  href={item.href}
                  aria-current={active ? "page" : undefined}
                  className={clsx(
                    "rounded-lg px-3 py-2 text-sm font-medium transition",
                    active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
                  )}
                >
                  {item.label}
                  <LinkProgress />
                </Link>
              );
            })}
        </nav>
        <div className="mt-auto border-t border-zinc-100 p-4">{footer}</div>
      </div>
    </>
  );
}
