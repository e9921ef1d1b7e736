#!/usr/bin/env python3
"""Medians, ratios and the chart of bench/chat-fanout.sh: runs.jsonl -> results JSON, PNG, and a printed table."""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

runs_file, json_out, png_out, meta = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
runs = [json.loads(line) for line in open(runs_file) if line.strip()]
runs = [r for r in runs if r["case"] != "warm"]
cases = ["fan1000", "fan100", "fan5000", "join1000"]
titles = {"fan1000": "1,000 clients, 200 msg/s", "fan100": "100 clients, 200 msg/s",
          "fan5000": "5,000 clients, 20 msg/s", "join1000": "1,000 clients join"}
fields = ["deliveriesPerS", "p50", "p99", "max", "lost", "evicted", "sendErrors", "sentPerS", "loadgenCpuPct",
          "loadgenLagP99Ms", "joinMs", "presenceMs"]


def median(case, server, field):
    values = [r["result"].get(field) for r in runs if r["case"] == case and r["server"] == server]
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


summary = {}
for case in cases:
    summary[case] = {s: {f: median(case, s, f) for f in fields} for s in ("tether", "go")}
    t, g = summary[case]["tether"], summary[case]["go"]
    summary[case]["ratios"] = {
        f: round(t[f] / g[f], 3) if t[f] is not None and g[f] else None
        for f in ("deliveriesPerS", "p50", "p99", "joinMs")}
    summary[case]["presenceRight"] = all(r["result"].get("presenceRight", True) for r in runs
                                         if r["case"] == case and r["server"] == "tether")
idle = next((r["result"] for r in runs if r["case"] == "idle"), None)
if idle:
    n = max(idle.get("open") or idle["clients"], 1)
    idle["heapPerConnectionKB"] = round((idle["heapAfterKB"] - idle["heapBeforeKB"]) / n, 1)
    idle["rssPerConnectionKB"] = round((idle["rssAfterKB"] - idle["rssBeforeKB"]) / n, 1)

targets = {}
f1, f100, f5000, j = (summary[c] for c in cases)
if f1["go"]["deliveriesPerS"]:
    targets["fan1000: deliveries/s >= 1.0 x Go"] = f1["ratios"]["deliveriesPerS"] >= 1.0
    targets["fan1000: p99 <= 1.5 x Go"] = f1["ratios"]["p99"] <= 1.5
    targets["fan1000: nothing lost, nobody evicted"] = not f1["tether"]["lost"] and not f1["tether"]["evicted"]
    targets["fan100: p99 <= 25 ms"] = f100["tether"]["p99"] <= 25
    targets["fan5000: everything delivered"] = not f5000["tether"]["lost"] and not f5000["tether"]["evicted"]
    targets["fan5000: p99 <= 250 ms"] = f5000["tether"]["p99"] <= 250
    targets["join1000: <= 2 s"] = j["tether"]["joinMs"] <= 2000
    targets["join1000: every online list right"] = j["presenceRight"]
if idle:
    targets["idle: <= 20 KB heap per connection"] = idle["heapPerConnectionKB"] <= 20

result = {"meta": meta, "summary": summary, "idle": idle, "targets": targets, "runs": runs}
with open(json_out, "w") as f:
    json.dump(result, f, indent=1)

print(f"\nMedians of {meta['rounds']} rounds ({meta['durationS']} s per fan-out run); JIT quiet after "
      f"{meta['jitQuietAfterS']} s; load average before {meta['loadavgBefore']}, after {meta['loadavgAfter']}")
print(f"{'case':<28}{'server':<8}{'deliv/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'lost':>7}{'evict':>6}"
      f"{'join ms':>9}{'sent/s':>8}{'lg cpu%':>8}")
for case in cases:
    for s in ("tether", "go"):
        m = summary[case][s]
        fmt = lambda v, p=0: "-" if v is None else f"{v:.{p}f}"  # noqa: E731
        print(f"{titles[case]:<28}{s:<8}{fmt(m['deliveriesPerS']):>10}{fmt(m['p50'], 1):>9}{fmt(m['p99'], 1):>9}"
              f"{fmt(m['lost']):>7}{fmt(m['evicted']):>6}{fmt(m['joinMs']):>9}{fmt(m['sentPerS']):>8}"
              f"{fmt(m['loadgenCpuPct']):>8}")
    print(f"{'':<28}{'ratio':<8}{summary[case]['ratios']['deliveriesPerS'] or '-':>10}"
          f"{summary[case]['ratios']['p50'] or '-':>9}{summary[case]['ratios']['p99'] or '-':>9}"
          f"{'':>13}{summary[case]['ratios']['joinMs'] or '-':>9}")
if idle:
    print(f"idle: {idle['open']} of {idle['clients']} connections open; heap {idle['heapPerConnectionKB']} KB and RSS "
          f"{idle['rssPerConnectionKB']} KB per connection (heap after GC {idle['heapBeforeKB']} -> "
          f"{idle['heapAfterKB']} KB, RSS {idle['rssBeforeKB']} -> {idle['rssAfterKB']} KB)")
for name, ok in targets.items():
    print(f"  {'MET ' if ok else 'MISS'} {name}")

fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
fan = ["fan1000", "fan100", "fan5000"]
x = range(len(fan))
for ax, field, label in ((axes[0], "deliveriesPerS", "deliveries/s (median)"), (axes[1], "p99", "p99 latency, ms (log)")):
    for k, (s, color) in enumerate((("tether", "#3b6ea8"), ("go", "#8aa84b"))):
        values = [summary[c][s][field] or 0 for c in fan]
        ax.bar([i + k * 0.38 for i in x], values, 0.38, label=("Tether (WildFly 39)" if meta.get("server") == "wildfly" else "Tether (Payara Micro)") if s == "tether" else "Go gorilla/websocket",
               color=color)
    ax.set_xticks([i + 0.19 for i in x], [titles[c] for c in fan], fontsize=8)
    ax.set_title(label)
    if field == "p99":
        ax.set_yscale("log")
    ax.legend(fontsize=8)
labels = ["Tether join", "Go join"]
values = [j["tether"]["joinMs"] or 0, j["go"]["joinMs"] or 0]
if idle:
    labels += ["heap KB/conn", "RSS KB/conn"]
    values += [idle["heapPerConnectionKB"], idle["rssPerConnectionKB"]]
axes[2].bar(labels, values, color=["#3b6ea8", "#8aa84b", "#b0793b", "#b0793b"][:len(values)])
axes[2].set_title("1,000 joins (ms); 15,000 idle connections (KB each)")
for i, v in enumerate(values):
    axes[2].text(i, v, f"{v:.0f}", ha="center", va="bottom", fontsize=8)
fig.suptitle(f"Chat fan-out on {meta['cores']} cores, one run, medians of {meta['rounds']} rounds ({meta['date']})")
fig.tight_layout()
fig.savefig(png_out, dpi=90)
print(f"wrote {json_out} and {png_out}")
