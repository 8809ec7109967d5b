"""bench/report.py: the table `make bench` prints, and the same as JSON in bench/out/.

BACKEND=pg adds the table for two server processes behind nginx and, beside it, the
newest SQLite result of the same dataset size found in bench/out/.
"""
import json
import os
import sys
import time
from pathlib import Path

work, cold_ms, rss_kb, orders, out = sys.argv[1:6]
backend = sys.argv[6] if len(sys.argv) > 6 else "sqlite"
w = Path(work)
load = lambda name: json.loads((w / f"{name}.json").read_text())
http = load("http_ceiling")
write = load("write_ceiling")
list_file = load("http_list_ceiling")	# informative: nginx serving the list page as a file
list_bytes = (w / "listpage.json").stat().st_size
# scenario: (ceiling it is compared with, target ratio)
scenarios = {
    "create": ("write", 0.5), "list": ("http", 0.35), "get": ("http", None),
    "stats": ("http", None), "mix": ("http", None),
    # the 工作台 (#13): one request for the whole home page, p99 < 50 ms like the rest
    "workbench": ("http", None),
}
# the ceiling is one create's writes replayed singly (the target: >= 0.7x at 64)
ceil = {"http": http["req_s"], "write": write["per_s"]}
scenarios["create"] = ("write", 0.7)


def measure(prefix):
    rows, ok = [], True
    for name, (against, target) in scenarios.items():
        r = load(prefix + name)
        ratio = r["req_s"] / ceil[against] if ceil[against] else 0
        met = (target is None or ratio >= target) and r["p99_ms"] < 50 and r["errors"] == 0
        ok &= met
        rows.append(dict(scenario=name, **r, against=against, ratio=round(ratio, 3),
                         target=target, met=met))
    return rows, ok


rows, ok = measure("")
two = measure("two_") if (w / "two_create.json").exists() else None
rss_mb = int(rss_kb) / 1024
result = {
    "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "orders": int(orders), "backend": backend,
    "write_ceiling_rows_s_32": write.get("per_s_32"),
    "http_ceiling_req_s": http["req_s"], "write_ceiling_rows_s": write["per_s"],
    "http_list_page_file_req_s": list_file["req_s"], "list_page_bytes": list_bytes,
    "cold_start_ms": int(cold_ms), "server_peak_rss_mb": round(rss_mb, 1),
    "scenarios": rows,
}
ok &= rss_mb < 64 and int(cold_ms) < 200
# issue #11: a login flood must leave the writes' p99 where it was (within 2x, or under 50 ms)
quiet, busy, logins = load("create_quiet"), load("create_flood"), load("login_flood")
flood = load("flood")
flood_ok = (busy["p99_ms"] < max(2 * quiet["p99_ms"], 50) and busy["errors"] == 0
            and logins["errors"] == 0)
ok &= flood_ok
result["login_flood"] = {"clients": flood["conns"], "writes_alone": quiet,
                         "writes_during_flood": busy, "logins": logins,
                         "peak_rss_mb": round(flood["rss_kb"] / 1024, 1), "met": flood_ok}
if two:
    result["two_processes"] = two[0]
# issue #13 item 7: gzipped JS a first load fetches (tools/bundle-budget.mjs, from the build)
first = load("first_load")
first_ok = all(first[k]["bytes"] <= first[k]["budget"] for k in ("login", "heaviest"))
ok &= first_ok
result["first_load"] = {k: first[k] for k in ("login", "heaviest")} | {"met": first_ok}
result["all_targets_met"] = ok
name_of = {"sqlite": "SQLite", "pg": "PostgreSQL"}
print(f"ceilings: HTTP (nginx, 2 KB JSON) {http['req_s']:.0f} req/s; "
      f"write ({name_of[backend]}, one create's writes) {write['per_s']:.0f}/s committed "
      f"singly, {write.get('per_s_32', 0):.0f}/s in groups of 32; dataset {orders} orders")


def table(title, rows):
    print(title)
    print(f"{'scenario':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
          f"{'ratio':>10} {'target':>7} {'met':>4}")
    for r in rows:
        tgt = f">={r['target']}" if r["target"] else "-"
        print(f"{r['scenario']:<9} {r['req_s']:>9.0f} {r['p50_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['errors']:>6} {r['ratio']:>6.3f}×{r['against'][0]} "
              f"{tgt:>7} {'yes' if r['met'] else 'NO':>4}")


table(f"{name_of[backend]}, one server process:", rows)
if two:
    table(f"{name_of[backend]}, two server processes behind nginx:", two[0])
if backend != "sqlite":
    lite = sorted(p for p in Path(out).glob("result-*.json")
                  if json.loads(p.read_text()).get("backend", "sqlite") == "sqlite"
                  and json.loads(p.read_text()).get("orders") == int(orders))
    if lite:
        table(f"beside it, SQLite ({lite[-1]}):", json.loads(lite[-1].read_text())["scenarios"])
    else:
        print(f"no SQLite result of {orders} orders in {out}: run make bench (BACKEND=sqlite)")
lr = next(r for r in rows if r["scenario"] == "list")
print(f"informative: nginx serving the list page ({list_bytes / 1024:.0f} KB) as a file "
      f"{list_file['req_s']:.0f} req/s; list is {lr['req_s'] / list_file['req_s']:.3f}× that")
print(f"server peak RSS {rss_mb:.1f} MB (target < 64); cold start {cold_ms} ms (target < 200)")
c32 = write.get("per_s_32") or write["per_s"]
print(f"create against the write ceiling (singly / groups of 32): "
      f"{rows[0]['req_s'] / write['per_s']:.3f}× / {rows[0]['req_s'] / c32:.3f}× at "
      f"{os.environ.get('BENCH_CONNS', '64')} connections, "
      f"{quiet['req_s'] / write['per_s']:.3f}× / {quiet['req_s'] / c32:.3f}× at "
      f"{flood['conns']} (the writes alone below)")
print(f"writes (create, {flood['conns']} clients) alone vs. during a login flood "
      f"({flood['conns']} clients, argon2id):")
print(f"{'':<14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
for label, r in (("alone", quiet), ("during flood", busy), ("logins", logins)):
    print(f"{label:<14} {r['req_s']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
          f"{r['errors']:>6}")
print(f"writes p99 during the flood {busy['p99_ms']:.2f} ms vs {quiet['p99_ms']:.2f} ms alone "
      f"(target < max(2x, 50 ms)): {'met' if flood_ok else 'NOT MET'}; "
      f"peak RSS with the flood {flood['rss_kb'] / 1024:.1f} MB")
for label, r in (("login page", first["login"]), ("heaviest page", first["heaviest"])):
    print(f"first load, {label}: {r['bytes'] / 1000:.1f} KB of gzipped JS in {r['files']} files "
          f"(budget {r['budget'] / 1000:.0f} KB; {r['page']})")
print("all targets met" if ok else "SOME TARGETS MISSED")
name = Path(out) / f"result-{backend}-{time.strftime('%Y%m%d-%H%M%S')}.json"
name.write_text(json.dumps(result, ensure_ascii=False, indent=2))
print(f"written {name}")
