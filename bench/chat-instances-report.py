#!/usr/bin/env python3
"""Medians, ratios and the chart of CASES=instances bench/chat-fanout.sh: one Tether instance against two (and the
build before, if run) -> results JSON, PNG, and a printed table."""
import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

runs_file, json_out, png_out, meta = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
runs = [json.loads(line) for line in open(runs_file) if line.strip()]
runs = [r for r in runs if r["case"] != "warm"]
for r in runs:  # CPU of every Tether JVM during the run (loadgen connects, sends, drains), per delivered message
    if "jvmCpuMs" in r and r["result"].get("deliveries"):
        r["result"]["jvmCpuUsPerDelivery"] = round(r["jvmCpuMs"] * 1000 / r["result"]["deliveries"], 3)
        if "jvmSysMs" in r:  # the kernel's part (socket writes), and broadcasts: frames queued per delivery
            r["result"]["jvmSysShare"] = round(r["jvmSysMs"] / max(1, r["jvmCpuMs"]), 3)
            r["result"]["queuedPerDelivery"] = round(r["framesQueued"] / r["result"]["deliveries"], 3)
cases = [c for c in ("fan1000", "fan100") if any(r["case"] == c for r in runs)]
peers = [p for p in ("one", "two", "before") if any(r["server"] == p for r in runs)]
labels = {"one": "one instance", "two": "two instances", "before": "one instance, build before"}
fields = ["deliveriesPerS", "p50", "p99", "max", "lost", "outOfOrder", "evicted", "sendErrors", "sentPerS",
          "loadgenCpuPct", "loadgenLagP99Ms", "joinMs", "jvmCpuUsPerDelivery", "deliveriesPerFrame",
          "jvmSysShare", "queuedPerDelivery"]


def median(case, peer, field):
    values = [r["result"].get(field) for r in runs if r["case"] == case and r["server"] == peer]
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


summary, targets = {}, {}
for case in cases:
    summary[case] = {p: {f: median(case, p, f) for f in fields} for p in peers}
    one, two = summary[case]["one"], summary[case]["two"]
    summary[case]["two/one"] = {"deliveriesPerS": round(two["deliveriesPerS"] / one["deliveriesPerS"], 3),
                                "p99DiffMs": round(two["p99"] - one["p99"], 2),
                                "jvmCpuPerDelivery": round(two["jvmCpuUsPerDelivery"] / one["jvmCpuUsPerDelivery"], 3)
                                if one["jvmCpuUsPerDelivery"] and two["jvmCpuUsPerDelivery"] else None}
    targets[case + ": two instances deliver >= 0.9 x one"] = two["deliveriesPerS"] >= 0.9 * one["deliveriesPerS"]
    targets[case + ": two instances p99 <= one + 2 ms"] = two["p99"] <= one["p99"] + 2
    targets[case + ": nothing lost, nothing out of order"] = all(
        not r["result"].get("lost") and not r["result"].get("outOfOrder") and not r["result"].get("evicted")
        for r in runs if r["case"] == case)
    if "before" in peers:
        b = summary[case]["before"]
        summary[case]["one/before"] = {"deliveriesPerS": round(one["deliveriesPerS"] / b["deliveriesPerS"], 3),
                                       "p50": round(one["p50"] / b["p50"], 3), "p99": round(one["p99"] / b["p99"], 3)}

with open(json_out, "w") as f:
    json.dump({"meta": meta, "summary": summary, "targets": targets, "runs": runs}, f, indent=1)

print(f"{'case':10} {'peer':30} {'deliveries/s':>13} {'p50 ms':>8} {'p99 ms':>8} {'lost':>5} {'ooo':>4} "
      f"{'JVM CPU us/delivery':>20} {'loadgen lag p99 ms':>19} {'msgs/frame':>10} {'JVM sys':>7} {'queued/delivery':>15}")
for case in cases:
    for p in peers:
        s = summary[case][p]
        print(f"{case:10} {labels[p]:30} {s['deliveriesPerS']:>13,.0f} {s['p50']:>8.2f} {s['p99']:>8.2f} "
              f"{s['lost']:>5.0f} {s['outOfOrder']:>4.0f} {s['jvmCpuUsPerDelivery'] or float('nan'):>20.2f} "
              f"{s['loadgenLagP99Ms'] or float('nan'):>19.1f} {s['deliveriesPerFrame'] or float('nan'):>10.2f} "
              f"{s['jvmSysShare'] or float('nan'):>7.2f} {s['queuedPerDelivery'] or float('nan'):>15.3f}")
    print(f"{'':10} two/one: deliveries {summary[case]['two/one']['deliveriesPerS']}, "
          f"p99 {summary[case]['two/one']['p99DiffMs']:+} ms, JVM CPU per delivery "
          f"{summary[case]['two/one']['jvmCpuPerDelivery']} x"
          + (f"; one/before: p50 {summary[case]['one/before']['p50']}, p99 {summary[case]['one/before']['p99']}"
             if "before" in peers else ""))
for t, ok in targets.items():
    print(("met     " if ok else "NOT met ") + t)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
width = 0.8 / len(peers)
for ax, metric in zip(axes, ("p50", "p99")):
    for i, p in enumerate(peers):
        values = [summary[c][p][metric] for c in cases]
        bars = ax.bar([x + i * width for x in range(len(cases))], values, width, label=labels[p])
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_xticks([x + width * (len(peers) - 1) / 2 for x in range(len(cases))],
                  [{"fan1000": "1,000 clients\n200 msg/s", "fan100": "100 clients\n200 msg/s"}[c] for c in cases])
    ax.set_ylabel(metric + " latency, ms (lower is better)")
    ax.set_title(metric + " send-to-delivery latency")
axes[0].legend(fontsize=8)
fig.suptitle(f"Tether chat across instances (Payara Micro, one Redis, {meta.get('cores')} cores, medians of "
             f"{meta.get('rounds')} rounds; load avg before {meta.get('loadavgBefore')})", fontsize=9)
fig.tight_layout()
fig.savefig(png_out, dpi=110)
