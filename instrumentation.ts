/** Runs once when the server starts; see lib/start-up.ts. */
export async function register(): Promise<void> {
  // The literal comparison lets the bundler drop this branch from the Edge build.
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startUp } = await import("@/lib/start-up");
    await startUp();
  }
}
