"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";

const items = [
  { href: "/", label: "Overview", admin: false },
  { href: "/keys", label: "Virtual keys", admin: false },
  { href: "/usage", label: "Usage", admin: false },
  { href: "/providers", label: "Providers", admin: true },
  { href: "/users", label: "Users", admin: true },
  { href: "/account", label: "Account", admin: false },
];

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="flex gap-0.5 overflow-x-auto px-3 pb-3 md:flex-col md:overflow-visible md:pb-0" aria-label="Main">
      {items
        .filter((item) => isAdmin || !item.admin)
        .map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={clsx(
                "shrink-0 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition",
                active ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
              )}
            >
              {item.label}
            </Link>
          );
        })}
    </nav>
  );
}
