-- Keeps usage_hourly (lib/db/schema.ts) equal to request_logs summed per UTC hour, user,
-- key, provider and model. A statement-level trigger with a transition table: one upsert
-- per INSERT statement, however many rows it added (bulk loads stay fast).
CREATE FUNCTION usage_hourly_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_hourly AS u (hour, user_id, virtual_key_id, provider_key, model, requests, errors, limited, prompt_tokens, completion_tokens, cost_usd)
  SELECT date_trunc('hour', n.created_at, 'UTC'), n.user_id, n.virtual_key_id, n.provider_key, coalesce(n.model, ''),
         count(*), count(*) FILTER (WHERE n.status >= 400), count(*) FILTER (WHERE n.outcome = 'limited'),
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
CREATE TRIGGER request_logs_usage_hourly AFTER INSERT ON request_logs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_add();
--> statement-breakpoint
-- Rows logged before this migration.
INSERT INTO usage_hourly (hour, user_id, virtual_key_id, provider_key, model, requests, errors, limited, prompt_tokens, completion_tokens, cost_usd)
SELECT date_trunc('hour', created_at, 'UTC'), user_id, virtual_key_id, provider_key, coalesce(model, ''),
       count(*), count(*) FILTER (WHERE status >= 400), count(*) FILTER (WHERE outcome = 'limited'),
       coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), coalesce(sum(cost_usd), 0)
FROM request_logs
GROUP BY 1, 2, 3, 4, 5;
