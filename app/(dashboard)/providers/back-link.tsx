import Link from "next/link";
import { LinkProgress } from "@/app/_components/link-progress";

export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="mb-3 inline-flex items-center gap-1 text-sm text-zinc-600 hover:text-zinc-900">
      <span aria-hidden>←</span> {children}
      <LinkProgress />
    </Link>
  );
}
