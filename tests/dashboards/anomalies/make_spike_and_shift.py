#!/usr/bin/env python3
"""Writes the events block of spike_and_shift.test (the expectations there are worked out by hand).

Three experiments, one event an hour for 60 hours from Mon 2026-01-05 00:00 UTC:
  a: $1 every hour, $10 at hour 38 (Tue 6 Jan 14:00), a one-hour spike;
  b: $2 every hour (flat, never anomalous);
  c: $1 an hour until hour 39, $3 from hour 40 (Tue 6 Jan 16:00) on, a level shift.
"""
START = 1767571200  # 2026-01-05T00:00:00Z, a Monday
for hour in range(60):
    ts = START + hour * 3600
    stamp = f"{ts}000"
    a = 10 if hour == 38 else 1
    c = 3 if hour >= 40 else 1
    for experiment, cost in (("a", a), ("b", 2), ("c", c)):
        print(f'{{"ts": {stamp}, "experiment": "{experiment}", "model": "m", "cost_usd": {cost}}}')
