"""bench/pg_load.py SQLITE_FILE PSQL_ARGS...: copy the benchmark dataset into PostgreSQL.

The SQLite file made by `houqin gen` is the dataset; `make bench BACKEND=pg` loads the
same rows into a PostgreSQL database already migrated by `houqin migrate` (one schema,
two dialects: the same tables and columns, integers and text only). Each table is
streamed through psql's COPY in text format, with session_replication_role = replica
so neither the counters' triggers (wo_count is copied as it is) nor the foreign keys
run per row: the rows are already consistent. That needs a superuser, which the bench
has on its own throwaway cluster. The identity sequences then carry on after max(id).
"""
import sqlite3
import subprocess
import sys

src, psql = sys.argv[1], sys.argv[2:]


def pg(sql):
    return subprocess.run(psql + ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def text_field(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        v = v.decode()
    s = str(v)
    return (s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


lite = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
tables = pg("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
            " ORDER BY table_name").split()
lite_tables = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type='table'")}
# migrate wrote its own rows (the audit record of the migration): the copy replaces them
subprocess.run(psql + ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                       "SET session_replication_role = replica", "-c",
                       f"TRUNCATE {', '.join(tables)}"], check=True)
for t in tables:
    if t not in lite_tables:
        continue
    cols = pg(f"SELECT column_name FROM information_schema.columns WHERE table_name = '{t}'"
              " ORDER BY ordinal_position").split()
    collist = ", ".join(cols)
    p = subprocess.Popen(psql + ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                 "SET session_replication_role = replica",
                                 "-c", f"COPY {t} ({collist}) FROM STDIN"],
                         stdin=subprocess.PIPE, text=True)
    n = 0
    for row in lite.execute(f"SELECT {collist} FROM {t}"):
        p.stdin.write("\t".join(text_field(v) for v in row) + "\n")
        n += 1
    p.stdin.close()
    if p.wait():
        sys.exit(f"pg_load: COPY {t} failed")
    has_id = "id" in cols and pg(
        f"SELECT pg_get_serial_sequence('{t}', 'id') IS NOT NULL").strip() == "t"
    if has_id and n:
        pg(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
    print(f"pg_load: {t} {n} rows", file=sys.stderr)
pg("ANALYZE")
