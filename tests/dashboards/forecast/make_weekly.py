#!/usr/bin/env python3
"""Writes the events block of weekly.test: 42 days from Mon 2026-01-05, $10 a day on weekdays
and $4 on Saturdays and Sundays, as two events a day ($6 + $4, or $2 + $2); 5 calls a day."""
START = 1767571200  # 2026-01-05T00:00:00Z, a Monday
for day in range(42):
    weekend = day % 7 >= 5
    costs = [2, 2] if weekend else [6, 4]
    for call in range(5):
        cost = costs[call] if call < 2 else 0
        ts = START + day * 86400 + 3600 * (9 + call)
        print(f'{{"ts": {ts}000, "model": "m", "experiment": "e", "cost_usd": {cost}}}')
