// `server-only` throws outside React Server Components; tests run plain Node.
export {};
