#!/usr/bin/env python3
"""Flame graph SVG from `perf script` output (no dependencies).

    perf record -F 499 -g -p PID -o perf.data -- sleep 30
    perf script -i perf.data | tools/flamegraph.py --title "overview?model cold" > out.svg

Stacks are folded (root first) per sample; each frame is a rectangle as wide as its share of the
samples, children above their parents, as Brendan Gregg's flamegraph.pl draws them. Frames below
--min-pct of all samples are left out. Hovering a frame shows its name and share (SVG <title>).
"""
import argparse
import html
import re
import sys
from collections import defaultdict


def folded_stacks(lines):
    stacks = defaultdict(int)
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                stacks[tuple(reversed(frames))] += 1
            frames = []
            continue
        if line[0] not in " \t":
            frames = []  # the sample's header: comm pid time event
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) < 2:
            continue
        name = re.sub(r"\+0x[0-9a-f]+$", "", parts[1].split(" (")[0])
        name = re.sub(r"\(anonymous namespace\)::", "", name)
        frames.append(name)
    if frames:
        stacks[tuple(reversed(frames))] += 1
    return stacks


def build_tree(stacks):
    root = {"name": "all", "count": 0, "children": {}}
    for stack, count in stacks.items():
        node = root
        node["count"] += count
        for frame in stack:
            node = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            node["count"] += count
    return root


def color(name):
    hue = (sum(map(ord, name)) * 7) % 40
    return f"rgb({205 + hue // 2},{80 + hue * 3},{40 + hue})"


def render(root, title, min_pct, width=1200, row=16):
    total = root["count"] or 1
    rects = []
    depth_max = 0

    def walk(node, x, depth):
        nonlocal depth_max
        w = node["count"] / total * width
        if node["count"] * 100 / total < min_pct:
            return
        depth_max = max(depth_max, depth)
        rects.append((x, depth, w, node["name"], node["count"]))
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            walk(child, cx, depth + 1)
            cx += child["count"] / total * width

    walk(root, 0.0, 0)
    height = (depth_max + 1) * row + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="#fff"/><text x="6" y="16" font-size="14">{html.escape(title)} ({total} samples)</text>']
    for x, depth, w, name, count in rects:
        y = height - (depth + 1) * row
        label = html.escape(name)
        chars = int(w / 7)
        text = label[:chars - 2] + ".." if len(label) > chars else label
        out.append(f'<g><title>{label} — {count * 100 / total:.1f}% ({count} samples)</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{max(w - 0.5, 0.1):.1f}" height="{row - 1}" fill="{color(name)}"/>'
                   + (f'<text x="{x + 3:.1f}" y="{y + row - 4}">{text}</text>' if chars >= 4 else "") + "</g>")
    out.append("</svg>")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--title", default="flame graph")
    parser.add_argument("--min-pct", type=float, default=0.2)
    args = parser.parse_args()
    sys.stdout.write(render(build_tree(folded_stacks(sys.stdin)), args.title, args.min_pct))


if __name__ == "__main__":
    main()
