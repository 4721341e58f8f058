-- usage_hourly.errors counts every call that did not succeed: status >= 400, as before, and
-- now also calls whose answer began with a 2xx but broke off (the upstream's stream failed,
-- or the client left during the answer), which keep the status they were sent with.
CREATE OR REPLACE FUNCTION usage_hourly_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_hourly AS u (hour, user_id, virtual_key_id, provider_key, model, requests, errors, limited, prompt_tokens, completion_tokens, cost_usd)
  SELECT date_trunc('hour', n.created_at, 'UTC'), n.user_id, n.virtual_key_id, n.provider_key, coalesce(n.model, ''),
         count(*), count(*) FILTER (WHERE n.status >= 400 OR n.outcome <> 'success'), count(*) FILTER (WHERE n.outcome = 'limited'),
         coalesce(sum(n.prompt_tokens), 0), coalesce(sum(n.completion_tokens), 0), coalesce(sum(n.cost_usd), 0)
  FROM new_rows n
  GROUP BY 1, 2, 3, 4, 5
  -- A fixed order, so concurrent statements lock shared rows in the same order (no deadlock).
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT usage_hourly_group DO UPDATE SET
    requests = u.requests + excluded.requests,
    errors = u.errors + excluded.errors,
    limited = u.limited + excluded.limited,
    prompt_tokens = u.prompt_tokens + excluded.prompt_tokens,
    completion_tokens = u.completion_tokens + excluded.completion_tokens,
    cost_usd = u.cost_usd + excluded.cost_usd;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Rows logged before this migration (never lowered: a count may include rows since deleted).
UPDATE usage_hourly u SET errors = greatest(u.errors, s.errors)
FROM (
  SELECT date_trunc('hour', created_at, 'UTC') AS hour, user_id, virtual_key_id, provider_key, coalesce(model, '') AS model,
         count(*) FILTER (WHERE status >= 400 OR outcome <> 'success') AS errors
  FROM request_logs
  GROUP BY 1, 2, 3, 4, 5
) s
WHERE u.hour = s.hour AND u.user_id IS NOT DISTINCT FROM s.user_id AND u.virtual_key_id IS NOT DISTINCT FROM s.virtual_key_id
  AND u.provider_key IS NOT DISTINCT FROM s.provider_key AND u.model = s.model AND s.errors > u.errors;
