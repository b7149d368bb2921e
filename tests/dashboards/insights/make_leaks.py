#!/usr/bin/env python3
"""Writes the events block of leaks.test (the expectations there are worked out by hand).

All on 2026-01-10 unless said otherwise, one event a minute from 00:00 UTC:
  experiment bot, model big: 40 calls at $0.10, 100 output tokens, quality 0.9, input hashes
    h0..h9 each sent 4 times (30 repeats);
  experiment bot, model small: 40 calls at $0.02, 100 output tokens, quality 0.88, no hash;
  experiment other: a failed call of big with hash h0 and a gateway cache hit of big with hash
    h1 (both $0; neither counts as a repeat), and 3 calls of the unpriced model local
    (50 input and 10 output tokens each, no cost_usd, no price catalogue);
  experiment batch, user u1, model small: $0.70 on 5, 12 and 19 Jan, $7 on 25 Jan (a runaway).
"""
START = 1768003200  # 2026-01-10T00:00:00Z
DAY = 86400
minute = 0


def ts():
    global minute
    minute += 1
    return f"{START + minute * 60}000"


for call in range(40):
    print(f'{{"ts": {ts()}, "experiment": "bot", "model": "big", "cost_usd": 0.1, "output_tokens": 100, '
          f'"scores": {{"quality": 0.9}}, "input_hash": "h{call % 10}"}}')
for call in range(40):
    print(f'{{"ts": {ts()}, "experiment": "bot", "model": "small", "cost_usd": 0.02, "output_tokens": 100, '
          f'"scores": {{"quality": 0.88}}}}')
print(f'{{"ts": {ts()}, "experiment": "other", "model": "big", "cost_usd": 0, "status": "error", '
      f'"input_hash": "h0"}}')
print(f'{{"ts": {ts()}, "experiment": "other", "model": "big", "cost_usd": 0, "cache_hit": true, '
      f'"input_hash": "h1"}}')
for call in range(3):
    print(f'{{"ts": {ts()}, "experiment": "other", "model": "local", "input_tokens": 50, "output_tokens": 10}}')
for day, cost in ((5, 0.7), (12, 0.7), (19, 0.7), (25, 7)):
    stamp = START + (day - 10) * DAY + 12 * 3600
    print(f'{{"ts": {stamp}000, "experiment": "batch", "user": "u1", "model": "small", "cost_usd": {cost}}}')
