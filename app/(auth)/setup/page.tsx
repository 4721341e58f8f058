import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getAuthConfig, getSetupRequired } from "@/lib/auth/sign-in";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  if (getAuthConfig().cf_access_enabled || !(await getSetupRequired())) redirect("/login");
  return (
    <>
      <h1 className="text-lg font-semibold">Welcome to Gatehouse</h1>
      <p className="mb-6 mt-1 text-sm text-zinc-600">Create the first admin account. This form is open only until the first user exists.</p>
      <SetupForm />
    </>
  );
}
