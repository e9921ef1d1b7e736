#!/usr/bin/env python3
"""Medians, ratios and a chart from bench/pubsub.sh's raw rows: pubsub_report.py rows.jsonl memory.jsonl warmup out.json out.png"""
import json
import statistics
import sys

rows_file, memory_file, warmup, out_json, out_png = sys.argv[1:6]
rows = [json.loads(l) for l in open(rows_file) if l.strip()]
memory = [json.loads(l) for l in open(memory_file) if l.strip()]
out = dict(warmup_seconds=int(warmup), rounds=rows, memory=memory, medians={})
for kind in ("tether", "webdis"):
    rs = [r for r in rows if r["kind"] == kind]
    out["medians"][kind] = {k: statistics.median(r[k] for r in rs)
                            for k in ("messages_per_s", "deliveries_per_s", "batch_p50_ms", "batch_p99_ms")}
t, w = out["medians"]["tether"], out["medians"]["webdis"]
out["ratio_tether_to_webdis"] = {k: t[k] / w[k] for k in t}
json.dump(out, open(out_json, "w"), indent=1)
print("| median of %d rounds | Tether (SSE) | Webdis (chunked) | Tether/Webdis |\n|---|---|---|---|" % (len(rows) // 2))
for k in t:
    print(f"| {k} | {t[k]:.1f} | {w[k]:.1f} | {t[k] / w[k]:.2f} |")
for m in memory:
    print(f"| {m['kind']}: {m['idle']} idle subscribers | heap {m['heap_kb_per_sub']:.1f} KB each | RSS {m['rss_kb_per_sub']:.1f} KB each | |")
try:
    import matplotlib
except ImportError:
    print("no matplotlib for this python3: run with /usr/bin/python3 (apt-get install -y python3-matplotlib)")
    sys.exit(1)
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
ax[0].bar(["Tether (SSE)", "Webdis (chunked)"], [t["deliveries_per_s"], w["deliveries_per_s"]], color=["tab:blue", "tab:gray"])
ax[0].set_title(f"deliveries/s, {rows[0]['subscribers']} subscribers on one channel (median)", fontsize=9)
ax[1].bar(["Tether (SSE)", "Webdis (chunked)"], [t["batch_p99_ms"], w["batch_p99_ms"]], color=["tab:blue", "tab:gray"])
ax[1].set_title(f"ms until all have a batch of {rows[0]['batch']} (p99, median)", fontsize=9)
fig.tight_layout()
fig.savefig(out_png)
print("wrote", out_json, out_png)
