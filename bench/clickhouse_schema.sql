CREATE TABLE events (
  ts Int64, experiment String, run_id String, user String, team String, provider String,
  model String, operation String, endpoint String, status String, error_type Nullable(String),
  http_status Nullable(Int32), input_tokens Nullable(Int64), output_tokens Nullable(Int64),
  cached_input_tokens Nullable(Int64), cost_nano_usd Nullable(Int64), latency_ms Nullable(Float64),
  ttft_ms Nullable(Float64), cache_hit Nullable(UInt8), streaming Nullable(UInt8),
  prompt_version String, tag_env String, tag_region String, tag_feature String)
ENGINE = MergeTree() ORDER BY ts
