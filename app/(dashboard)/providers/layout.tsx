import { requirePageAdmin } from "@/lib/auth/dal";

/**
 * Admins only. Checked here, outside this section's loading.tsx boundary, so a non-admin
 * gets a real 403 status: once the loading state has streamed, a page's forbidden()
 * can no longer change the status code.
 */
export default async function AdminSectionLayout({ children }: { children: React.ReactNode }) {
  await requirePageAdmin();
  return children;
}
