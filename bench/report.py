"""Turns wrk's output into the benchmark table and bench/results.json."""

import argparse
import json
import os
import re
import statistics

parser = argparse.ArgumentParser()
parser.add_argument("work")
parser.add_argument("out")
for name in ("articles", "generate-seconds", "cold-ms", "peak-kb", "cost", "connections", "duration"):
    parser.add_argument("--" + name, default="")
args = parser.parse_args()


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def read_wrk(name):
    text = open(os.path.join(args.work, f"wrk-{name}.txt")).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {}
    for percent in ("50", "99"):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        latency[percent] = to_ms(value, unit)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"requests_per_second": rps, "p50_ms": latency["50"], "p99_ms": latency["99"],
            "non_2xx": int(errors.group(1)) if errors else 0}


nginx = read_wrk("nginx-static")
rows = [("nginx, static file (same bytes)", "nginx-static", None, None)]
targets = {"article": (0.8, 5.0), "home": (0.7, None), "section": (0.7, None), "feed": (None, None)}
labels = {"article": "seed article page", "home": "home page", "section": "section page (/world)", "feed": "site RSS feed"}
results = {"nginx-static": nginx}
for name in ("article", "home", "section", "feed"):
    results[name] = read_wrk(name)
    results[name]["ratio_to_nginx"] = results[name]["requests_per_second"] / nginx["requests_per_second"]
publish = json.load(open(os.path.join(args.work, "publish.json")))["samples_ms"]
summary = {
    "machine": {"cpus": os.cpu_count()},
    "settings": {"articles": int(args.articles), "connections": int(args.connections), "duration_s": int(args.duration)},
    "throughput": results,
    "publish_to_visible_ms": {"median": statistics.median(publish), "max": max(publish), "samples": publish},
    "generate_seconds": float(args.generate_seconds),
    "cold_start_ms": int(args.cold_ms),
    "peak_resident_mb": int(args.peak_kb) / 1024,
    "server_cost_per_cached_request": args.cost or None,
    "search": None,
}
search = read_wrk("search")
search["ratio_to_cached_article"] = search["requests_per_second"] / results["article"]["requests_per_second"]
search_alone = read_wrk("search-alone")
summary["search"] = {"loaded": search, "one_connection": search_alone}
with open(args.out, "w") as out:
    json.dump(summary, out, indent=2)

print()
print(f"{'target':38} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs nginx':>9}  goal")
print("-" * 90)
print(f"{'nginx, static file (same bytes)':38} {nginx['requests_per_second']:10.0f} {nginx['p50_ms']:8.2f} {nginx['p99_ms']:8.2f} {'1.00':>9}")
for name in ("article", "home", "section", "feed"):
    row = results[name]
    ratio_goal, p99_goal = targets[name]
    goal = []
    if ratio_goal:
        goal.append(f"≥ {ratio_goal}× {'met' if row['ratio_to_nginx'] >= ratio_goal else 'MISSED'}")
    if p99_goal:
        goal.append(f"p99 < {p99_goal} ms {'met' if row['p99_ms'] < p99_goal else 'MISSED'}")
    print(f"{'Masthead, ' + labels[name]:38} {row['requests_per_second']:10.0f} {row['p50_ms']:8.2f} "
          f"{row['p99_ms']:8.2f} {row['ratio_to_nginx']:9.2f}  {', '.join(goal)}")
print()
median = summary["publish_to_visible_ms"]["median"]
print(f"publish to visible: median {median:.1f} ms, max {max(publish):.1f} ms "
      f"(goal < 50 ms: {'met' if median < 50 else 'MISSED'})")
print(f"generate {args.articles} articles: {float(args.generate_seconds):.1f} s (goal < 60 s)")
cold = int(args.cold_ms)
print(f"cold start to first served page: {cold} ms (goal < 300 ms: {'met' if cold < 300 else 'MISSED'})")
peak = int(args.peak_kb) / 1024
print(f"peak resident memory under load: {peak:.0f} MB (goal < 150 MB: {'met' if peak < 150 else 'MISSED'})")
if args.cost:
    print(f"one cached article request costs the server {args.cost} (perf stat, one connection)")
print(f"search (/search.json, 8 rotating queries: words, phrase, typo, filters): {search['requests_per_second']:.0f} req/s, "
      f"p50 {search['p50_ms']:.2f} ms, p99 {search['p99_ms']:.2f} ms "
      f"(under load), "
      f"{search['ratio_to_cached_article']:.2f}× the cached article's rate, errors {search['non_2xx']}")
print(f"search, one connection at a time: p50 {search_alone['p50_ms']:.2f} ms, p99 {search_alone['p99_ms']:.2f} ms "
      f"({search_alone['requests_per_second']:.0f} req/s; goal p99 < 20 ms: "
      f"{'met' if search_alone['p99_ms'] < 20 else 'MISSED'})")
print(f"\nwritten to {args.out}")
