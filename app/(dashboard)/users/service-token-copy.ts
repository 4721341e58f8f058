/** Shared by the page (server) and the tokens dialog (client), so it lives outside both. */
export const SERVICE_TOKEN_EXPLAINER =
  "Cloudflare service tokens (for automation) carry no email, so link a token's Client ID to a user: requests with that token then act as the user.";
