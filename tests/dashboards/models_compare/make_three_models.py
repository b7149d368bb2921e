# Writes three_models.test beside it: three models on one day, and the expected answer worked
# out with plain arithmetic here (percentiles by linear interpolation, the t quantile and the
# Wilson interval from ../reference_stats.py, written independently of the server).
#   python3 tests/dashboards/models_compare/make_three_models.py
import json, math, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from reference_stats import summ, t_quantile, wilson

prices = [{"id": "acme", "models": [
    {"id": "alpha", "match": {"equals": "alpha"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
    {"id": "beta", "match": {"equals": "beta"}, "context_window": 32000,
     "prices": {"input_mtok": 2.5, "output_mtok": 10, "input_image_mtok": 2.5, "output_reasoning_mtok": 10}}]}]

def call(hour, model, provider, **fields):
    return {"ts": f"2026-01-01T{hour:02d}:00:00Z", "model": model, "provider": provider, **fields}

events = [
    call(1, "alpha", "acme", cost_usd=0.002, input_tokens=1000, output_tokens=200, latency_ms=1000, ttft_ms=400, streaming=True, scores={"quality": 0.8}),
    call(2, "alpha", "acme", cost_usd=0.004, input_tokens=1500, output_tokens=300, latency_ms=2000, ttft_ms=600, streaming=True, scores={"quality": 0.6}),
    call(3, "alpha", "acme", cost_usd=0.003, input_tokens=1200, output_tokens=100, latency_ms=3000, cache_hit=True, scores={"quality": 0.7}),
    call(4, "alpha", "acme", cost_usd=0, input_tokens=0, output_tokens=0, latency_ms=4000, status="error"),
    call(5, "beta", "acme", cost_usd=0.010, input_tokens=1000, output_tokens=500, latency_ms=5000, ttft_ms=1000, streaming=True, scores={"quality": 0.9}),
    call(6, "beta", "acme", cost_usd=0.020, input_tokens=2000, output_tokens=500, latency_ms=7000, ttft_ms=3000, streaming=True, scores={"quality": 1.0}),
    # No cost: the catalogue prices it, 500 × $2.5/M + 100 × $10/M = $0.00225.
    call(7, "beta", "acme", input_tokens=500, output_tokens=100, latency_ms=6000),
] + [call(8 + i, "gamma", "self", input_tokens=100, output_tokens=0, latency_ms=100, operation="embedding",
          **({"cost_usd": 0.0001} if i < 4 else {})) for i in range(5)]  # the last one unknown: unpriced
events.append({"ts": "2026-01-02T00:00:00Z", "model": "alpha", "provider": "acme", "cost_usd": 1, "latency_ms": 1})

def pct(values, p):
    v = sorted(values); h = p / 100 * (len(v) - 1); lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])
def pcts(values):
    return {f"p{p}": (pct(values, p) if values else None) for p in (50, 90, 95, 99)}
def interval(xs):
    n, m, v = summ(xs); half = t_quantile(0.975, n - 1) * math.sqrt(v / n)
    return {"name": "quality", "n": n, "mean": m, "sd": math.sqrt(v), "ci95": [m - half, m + half]}

def figures(name, provider, calls, cost, priced, tin, tout, lat, ttft, tps, errors, cache, streamed, quality, facts):
    per_call = cost / priced
    blended = per_call / ((tin + tout) / calls) * 1000
    return {"model": name, "provider": provider, "calls": calls, "priced_calls": priced, "cost_usd": cost,
            "cost_per_call_usd": per_call,
            "cost_per_1k_usd": {"input": facts[0], "output": facts[1], "blended": blended},
            "tokens": {"input": tin, "output": tout},
            "latency_ms": pcts(lat), "ttft_ms": pcts(ttft),
            "tokens_per_s": pct(tps, 50) if tps else None,
            "error_rate": {"value": errors / calls, "errors": errors, "ci95": list(wilson(errors, calls))},
            "cache_hit_rate": cache / calls,
            "scores": [interval(quality)] if quality else [],
            "features": {"in_catalogue": facts[2], "context_window": facts[3], "vision": facts[4], "tools": "unknown",
                         "reasoning": facts[5], "streaming": "yes" if streamed else "not_observed",
                         "streaming_share": streamed / calls}}

# tokens/s = output / ((latency − ttft) / 1000) on streamed calls: alpha 200/0.6, 300/1.4; beta 500/4 twice.
alpha = figures("alpha", "acme", 4, 0.009, 4, 3700, 600, [1000, 2000, 3000, 4000], [400, 600],
                [200 / 0.6, 300 / 1.4], 1, 1, 2, [0.8, 0.6, 0.7], (0.001, 0.002, True, None, "unknown", "unknown"))
beta = figures("beta", "acme", 3, 0.03225, 3, 3500, 1100, [5000, 7000, 6000], [1000, 3000],
               [125.0, 125.0], 0, 0, 2, [0.9, 1.0], (0.0025, 0.01, True, 32000, "yes", "yes"))
gamma = figures("gamma", "self", 5, 0.0004, 4, 500, 0, [100] * 5, [], [], 0, 0, 0, [], (None, None, False, None, "unknown", "unknown"))
models = [alpha, beta, gamma]

axes = [("cost", "Cost / 1K tokens", "usd", "lower", lambda m: m["cost_per_1k_usd"]["blended"]),
        ("quality", "Quality", "score", "higher", lambda m: m["scores"][0]["mean"] if m["scores"] else None),
        ("latency", "Latency p50", "ms", "lower", lambda m: m["latency_ms"]["p50"]),
        ("ttft", "TTFT p50", "ms", "lower", lambda m: m["ttft_ms"]["p50"]),
        ("tokens_per_s", "Tokens / s", "tokens_per_s", "higher", lambda m: m["tokens_per_s"]),
        ("error_rate", "Error rate", "ratio", "lower", lambda m: m["error_rate"]["value"])]
def normalize(get, better, ms):
    vals = [get(m) for m in ms]; present = [v for v in vals if v is not None]
    lo, hi = min(present), max(present)
    norm = [None if v is None else 1.0 if hi == lo else ((v - lo) if better == "higher" else (hi - v)) / (hi - lo) for v in vals]
    return vals, norm, lo, hi
radar_axes, columns = [], []
for metric, label, unit, better, get in axes:
    vals, norm, lo, hi = normalize(get, better, models)
    radar_axes.append({"metric": metric, "label": label, "unit": unit, "better": better, "min": lo, "max": hi})
    columns.append((metric, vals, norm))
series = [{"model": m["model"], "values": [c[2][i] for c in columns], "raw": [c[1][i] for c in columns]} for i, m in enumerate(models)]
col = {c[0]: c for c in columns}

def decide(weights, ms_idx):
    total = sum(w for _, w in weights); rows = []
    for i in ms_idx:
        terms = []; score = 0; cover = 0
        for metric, w in weights:
            w /= total; value, norm = col[metric][1][i], col[metric][2][i]
            contribution = w * norm if norm is not None else 0
            score += contribution; cover += w if norm is not None else 0
            terms.append({"metric": metric, "weight": w, "value": value, "normalized": norm, "contribution": contribution})
        rows.append({"model": models[i]["model"], "score": score, "coverage": cover, "terms": terms})
    rows.sort(key=lambda r: (-r["score"], r["model"]))
    return [{"model": r["model"], "rank": k + 1, **{x: r[x] for x in ("score", "coverage", "terms")}} for k, r in enumerate(rows)]

weights = [("cost", 0.4), ("quality", 0.4), ("latency", 0.2)]
expected = {
    "range": {"from": "2026-01-01T00:00:00.000Z", "to": "2026-01-02T00:00:00.000Z"},
    "default_models": True, "quality": "scores.quality", "models": models,
    "radar": {"axes": radar_axes, "series": series},
    # alpha is cheaper, beta better: both on the frontier (gamma has no quality score).
    "cost_quality": {"quality": "scores.quality", "points": [
        {"model": m["model"], "cost_per_1k_usd": m["cost_per_1k_usd"]["blended"], "quality": m["scores"][0]["mean"],
         "ci95": m["scores"][0]["ci95"], "n": m["scores"][0]["n"], "pareto": True} for m in (alpha, beta)],
        "frontier": ["alpha", "beta"]},
    "decision": {"weights": [{"metric": k, "weight": w} for k, w in weights], "rows": decide(weights, [0, 1, 2])},
}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "three_models.test"), "w") as out:
    out.write("""# Three models on 2026-01-01 (and one alpha call the next day, outside the range). Written by
# make_three_models.py, which works every figure out with plain arithmetic (see its comments):
# percentiles by linear interpolation; blended cost = cost per priced call / tokens per call × 1000
# (beta's third call is priced by the catalogue below: $0.00225; gamma's fifth is unpriced);
# tokens/s = output / ((latency − ttft) / 1000) on streamed calls; quality CI = mean ± t(0.975,
# n − 1)·sd/√n; error CI = Wilson. gamma generates no text, so the default order puts it last.
# Radar: min-max per axis, direction-aware; decision 0.4 cost + 0.4 quality + 0.2 latency, gamma's
# missing quality counting 0 (it still ranks first on cost and latency).

prices
""" + json.dumps(prices) + "\n\nevents\n")
    for e in events: out.write(json.dumps(e) + "\n")
    out.write("\nrequest GET /api/analytics/models/compare?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z\n----\n")
    out.write(json.dumps(expected, indent=1) + "\n")
    # Named models keep their order; weights over any metrics; the cost axis alone decides.
    named = {"default_models": False, "models": [{"model": "gamma"}, {"model": "alpha"}],
             "decision": {"weights": [{"metric": "cost_per_call", "weight": 0.75}, {"metric": "error_rate", "weight": 0.25}],
                          "rows": [{"model": "gamma", "rank": 1, "score": 1.0, "coverage": 1.0},
                                   {"model": "alpha", "rank": 2, "score": 0.0, "coverage": 1.0}]}}
    out.write("\n# Named models keep their order; weights name any metric (cost per call: gamma 0.0001 vs alpha\n"
              "# 0.00225; errors 0 vs 1/4): gamma is best on both, alpha worst on both.\n")
    out.write("request GET /api/analytics/models/compare?models=gamma,alpha&weights=cost_per_call:3,error_rate:1&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z\n---- subset\n")
    out.write(json.dumps(named, indent=1) + "\n")
