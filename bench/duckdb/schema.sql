CREATE TABLE events (
  ts BIGINT, experiment VARCHAR, run_id VARCHAR, "user" VARCHAR, team VARCHAR, provider VARCHAR,
  model VARCHAR, operation VARCHAR, endpoint VARCHAR, status VARCHAR, error_type VARCHAR,
  http_status INTEGER, input_tokens BIGINT, output_tokens BIGINT, cached_input_tokens BIGINT,
  cost_nano_usd BIGINT, latency_ms DOUBLE, ttft_ms DOUBLE, cache_hit UTINYINT, streaming UTINYINT,
  prompt_version VARCHAR, tag_env VARCHAR, tag_region VARCHAR, tag_feature VARCHAR);
