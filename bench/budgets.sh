#!/usr/bin/env bash
# Defines 20 budgets on the server at 127.0.0.1:$1, spread over the scopes and periods the bench
# data has (teams, experiments, models, a tag, everything), with amounts that the 60 days of bench
# traffic cross, so alerts fire while it is ingested (bench/run.sh, "ingest with 20 budgets").
set -euo pipefail
port=$1
post() {
  curl -sf -X POST "http://127.0.0.1:$port/api/v1/budgets" -H 'Content-Type: application/json' -d "$1" >/dev/null
}
budget() {  # name, scope JSON, period, amount
  post "{\"name\": \"$1\", \"scope\": $2, \"period\": \"$3\", \"amount_usd\": $4, \"thresholds_pct\": [50, 80, 100]}"
}
for team in support platform search growth research; do
  budget "team $team" "{\"field\": \"team\", \"value\": \"$team\"}" month 500
done
for experiment in demo-support-bot demo-code-review demo-rag-search demo-summarizer demo-agent-eval demo-translation; do
  budget "experiment $experiment" "{\"field\": \"experiment\", \"value\": \"$experiment\"}" week 100
done
for model in gpt-4o-mini gpt-4o claude-sonnet-4-5-20250929 gemini-2.5-flash; do
  budget "model $model" "{\"field\": \"model\", \"value\": \"$model\"}" day 20
done
for feature in chat-assistant pr-review semantic-search; do
  budget "feature $feature" "{\"field\": \"tags.feature\", \"value\": \"$feature\"}" month 300
done
budget "everything daily" null day 100
budget "everything monthly" null month 2000
count=$(curl -sf "http://127.0.0.1:$port/api/v1/budgets" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).budgets.length))")
[[ $count == 20 ]] || { echo "bench/budgets.sh: expected 20 budgets, the server has $count" >&2; exit 1; }
