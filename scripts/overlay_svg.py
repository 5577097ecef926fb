#!/usr/bin/env python3
"""Draws the figures of Guides/Overlays.md as SVG, from partisan-bench output.

  overlay_svg.py graph LINKS OUT.svg        # LINKS: `i j` lines (partisan-bench --graph-out)
  overlay_svg.py plot RESULTS.jsonl OUT.svg # overlay-converge JSON lines, memory transport

Standard library only; the layout is a seeded force-directed one, so the output is stable.
"""
import json
import math
import random
import sys


def layout(nodes, links, size, rounds=400, seed=1):
    rng = random.Random(seed)
    pos = {n: [rng.uniform(0, size), rng.uniform(0, size)] for n in nodes}
    k = math.sqrt(size * size / max(1, len(nodes)))
    temperature = size / 10
    for _ in range(rounds):
        shift = {n: [0.0, 0.0] for n in nodes}
        for a in nodes:
            for b in nodes:
                if a == b:
                    continue
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = math.hypot(dx, dy) or 0.01
                f = k * k / d
                shift[a][0] += dx / d * f
                shift[a][1] += dy / d * f
        for a, b in links:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = math.hypot(dx, dy) or 0.01
            f = d * d / k
            shift[a][0] -= dx / d * f
            shift[a][1] -= dy / d * f
            shift[b][0] += dx / d * f
            shift[b][1] += dy / d * f
        for n in nodes:
            dx, dy = shift[n]
            d = math.hypot(dx, dy) or 0.01
            step = min(d, temperature)
            pos[n][0] = min(size, max(0, pos[n][0] + dx / d * step))
            pos[n][1] = min(size, max(0, pos[n][1] + dy / d * step))
        temperature *= 0.985
    return pos


def graph(links_path, out):
    links = [tuple(int(x) for x in line.split()) for line in open(links_path) if line.strip()]
    nodes = sorted({n for link in links for n in link})
    size, margin = 560, 20
    pos = layout(nodes, links, size)
    degree = {n: 0 for n in nodes}
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 2 * margin}" height="{size + 2 * margin + 24}" '
        f'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{margin}" y="16">HyParView active views: {len(nodes)} nodes, {len(links)} links '
        f'(simulated, seed 1)</text>',
        f'<g transform="translate({margin},{margin + 12})">',
    ]
    for a, b in links:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#8aa" stroke-width="1"/>')
    for n in nodes:
        x, y = pos[n]
        fill = "#d33" if n == 0 else "#258"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 + degree[n] * 0.5:.1f}" fill="{fill}"/>')
    parts.append("</g></svg>")
    open(out, "w").write("\n".join(parts) + "\n")


def plot(results_path, out):
    rows = [json.loads(line) for line in open(results_path) if line.strip().startswith("{")]
    series = {}
    for r in rows:
        if r.get("scenario") != "overlay-converge" or r.get("transport") != "memory" or r["overlay"] != "hyparview":
            continue
        key = r["overlay"]
        if any(n == r["nodes"] for n, _ in series.get(key + ": every view ≥ 5 (converged)", [])):
            continue  # the first run of each size (other seeds are in the results file)
        series.setdefault(key + ": every view ≥ 5 (converged)", []).append((r["nodes"], r["converge_s"]))
        if r.get("at_min_size_s") is not None:
            series.setdefault(key + ": every view ≥ 3, connected", []).append((r["nodes"], r["at_min_size_s"]))
    width, height, left, bottom, top, right = 640, 400, 60, 50, 30, 20
    xs = [n for s in series.values() for n, _ in s]
    ys = [t for s in series.values() for _, t in s]
    xmin, xmax = math.log10(min(xs)), math.log10(max(xs))
    ymax = max(ys) * 1.1
    def px(n):
        return left + (math.log10(n) - xmin) / ((xmax - xmin) or 1) * (width - left - right)
    def py(t):
        return height - bottom - t / ymax * (height - top - bottom)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="18">Simulated time to converge vs nodes (all join through one contact; '
        f'Partisan default periods)</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">nodes (log scale)</text>',
        f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" text-anchor="middle">seconds</text>',
    ]
    for n in sorted(set(xs)):
        parts.append(f'<text x="{px(n):.1f}" y="{height - bottom + 16}" text-anchor="middle">{n}</text>')
    for i in range(6):
        t = ymax * i / 5
        parts.append(f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{t:.0f}</text>')
        parts.append(f'<line x1="{left}" y1="{py(t):.1f}" x2="{width - right}" y2="{py(t):.1f}" stroke="#eee"/>')
    colours = ["#258", "#d33", "#393", "#a5a"]
    for index, (name, points) in enumerate(sorted(series.items())):
        colour = colours[index % len(colours)]
        points.sort()
        path = " ".join(f"{px(n):.1f},{py(t):.1f}" for n, t in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, t in points:
            parts.append(f'<circle cx="{px(n):.1f}" cy="{py(t):.1f}" r="3" fill="{colour}"/>')
        parts.append(f'<text x="{left + 10}" y="{top + 16 + 16 * index}" fill="{colour}">{name}</text>')
    parts.append("</svg>")
    open(out, "w").write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("graph", "plot"):
        sys.exit(__doc__)
    (graph if sys.argv[1] == "graph" else plot)(sys.argv[2], sys.argv[3])
