#!/usr/bin/env python3
"""Medians, ratios and a chart from bench/gateway.sh's raw rows (one JSON object per wrk run)."""
import json
import statistics
import sys

rows_file, warmup_file, threads_file, out_json, out_png, machine = sys.argv[1:7]


def load(path):
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except FileNotFoundError:
        return []


rows, warmups, threads = load(rows_file), load(warmup_file), load(threads_file)
medians = {}
for r in rows:
    medians.setdefault((r["server"], r["impl"], r["case"], r["conns"]), []).append(r)
summary = []
for (server, impl, case, conns), runs in sorted(medians.items()):
    summary.append(dict(server=server, impl=impl, case=case, conns=conns, rounds=len(runs),
                        rps=statistics.median(x["rps"] for x in runs), cps=statistics.median(x["cps"] for x in runs),
                        p50_ms=statistics.median(x["p50_ms"] for x in runs),
                        p99_ms=statistics.median(x["p99_ms"] for x in runs), errors=sum(x["errors"] for x in runs)))


def find(server, impl, case, conns):
    return next((s for s in summary if (s["server"], s["impl"], s["case"], s["conns"]) == (server, impl, case, conns)), None)


targets = []
for s in summary:
    if s["impl"] != "tether":
        continue
    webdis = find(s["server"], "webdis", "get", s["conns"])
    static = find(s["server"], "static", "static", s["conns"])
    peer = find(s["server"], "webdis", s["case"].split("_")[0], s["conns"]) or webdis
    t = dict(server=s["server"], case=s["case"], conns=s["conns"], rps=s["rps"], cps=s["cps"], p99_ms=s["p99_ms"])
    if s["case"] == "pipeline":
        t["vs_webdis_cps"] = s["cps"] / webdis["cps"] if webdis else None
        t["target"] = "pipeline cmd/s >= 10 x Webdis GET cmd/s"
        t["met"] = bool(webdis) and t["vs_webdis_cps"] >= 10
    else:
        t["vs_webdis"] = s["rps"] / peer["rps"] if peer else None
        t["vs_static"] = s["rps"] / static["rps"] if static else None
        t["p99_vs_webdis"] = s["p99_ms"] / peer["p99_ms"] if peer else None
        t["target"] = ">= 0.5 x Webdis req/s, >= 0.75 x static req/s, p99 <= 2 x Webdis"
        t["met"] = bool(peer and static) and t["vs_webdis"] >= 0.5 and t["vs_static"] >= 0.75 and t["p99_vs_webdis"] <= 2
    targets.append(t)
scaling = []
for server in sorted({s["server"] for s in summary}):
    by_conns = {s["conns"]: s["rps"] for s in summary if (s["server"], s["impl"], s["case"]) == (server, "tether", "get_post")}
    if by_conns:
        best = max(by_conns.values())
        scaling.append(dict(server=server, rps_by_conns=by_conns, at_1000_vs_best=by_conns.get(1000, 0) / best,
                            met=by_conns.get(1000, 0) >= 0.85 * best))

report = dict(machine=machine, warmup=warmups, threads=threads, medians=summary, targets=targets, scaling=scaling, runs=rows)
json.dump(report, open(out_json, "w"), indent=1)

print("\nmedians (req/s, cmd/s, p50, p99):")
for s in summary:
    print(f"  {s['server']:7} {s['impl']:7} {s['case']:10} c={s['conns']:<5} {s['rps']:9.0f} {s['cps']:10.0f}"
          f"  p50 {s['p50_ms']:6.2f} ms  p99 {s['p99_ms']:7.2f} ms  errors {s['errors']}")
print("\ntargets:")
for t in targets:
    if t["case"] == "pipeline":
        ratio = f"{t['vs_webdis_cps']:.2f} x Webdis cmd/s" if t["vs_webdis_cps"] else "no Webdis figure"
    else:
        ratio = (f"{t['vs_webdis']:.2f} x Webdis, {t['vs_static']:.2f} x static, p99 {t['p99_vs_webdis']:.2f} x Webdis"
                 if t["vs_webdis"] and t["vs_static"] else "missing peer figures")
    print(f"  {t['server']:7} {t['case']:10} c={t['conns']:<5} {ratio:60} {'MET' if t['met'] else 'not met'}")
for s in scaling:
    print(f"  {s['server']:7} get_post at 1000 connections: {s['at_1000_vs_best']:.2f} x its best {s['rps_by_conns']}"
          f" {'MET' if s['met'] else 'not met'}")
print(f"\nwrote {out_json}")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("python3-matplotlib is missing: no chart")
    sys.exit(0)
servers = sorted({s["server"] for s in summary})
fig, axes = plt.subplots(1, len(servers), figsize=(7 * len(servers), 5), squeeze=False)
for ax, server in zip(axes[0], servers):
    bars = [s for s in summary if s["server"] == server and s["conns"] == 32 and s["case"] != "pipeline"]
    labels = [f"{s['impl']}\n{s['case']}" for s in bars]
    colors = {"tether": "tab:blue", "webdis": "tab:orange", "static": "tab:gray"}
    ax.bar(labels, [s["rps"] for s in bars], color=[colors[s["impl"]] for s in bars])
    ax.set_title(f"{'Payara Micro 6' if server == 'payara' else 'WildFly 39'}: requests/s, 32 connections (median)")
    ax.tick_params(axis="x", labelsize=7)
    ax.set_ylabel("requests/s")
    pipe = find(server, "tether", "pipeline", 32)
    if pipe:
        ax.text(0.99, 0.97, f"pipeline of 100: {pipe['cps']:,.0f} commands/s", transform=ax.transAxes, ha="right",
                va="top", fontsize=8)
fig.suptitle(f"Tether vs Webdis 0.1.9, same Redis, wrk -t2 on {machine}", fontsize=9)
fig.tight_layout()
fig.savefig(out_png, dpi=110)
print(f"wrote {out_png}")
