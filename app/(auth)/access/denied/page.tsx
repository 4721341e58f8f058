import { AccessDeniedNotice } from "@/app/_components/access-notices";

export const metadata = { title: "No access" };

export default function AccessDeniedPage() {
  return <AccessDeniedNotice />;
}
