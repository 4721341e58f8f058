import { KeysUnavailableNotice } from "@/app/_components/access-notices";

export const metadata = { title: "Try again shortly" };

export default function AccessUnavailablePage() {
  return <KeysUnavailableNotice />;
}
