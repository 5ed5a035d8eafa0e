#!/usr/bin/env python3
"""What a ledger_entries row costs SQLite itself, by schema variant, without Sluice, the JVM or
the JDBC driver: SQLite's CPU per row for multi-row inserts of 100 rows in commits of 200 (about
the gateway's batch commits), synchronous=OFF so that only CPU is measured. The variants drop
one part of the row at a time; Python's own cost per row is the same in every variant, so the
differences are SQLite's (docs/benchmarks.md, session 36).

    python3 src/load/ledger-row-sqlite.py                  # every variant, three rounds
    python3 src/load/ledger-row-sqlite.py all noorder      # some of them

Variants: all (V20's table and its order and refunds indexes), noorder (without
ledger_entries_order), noauto (without AUTOINCREMENT), noname (without the event_name and
event_id columns, which repeat the events row), noorder-noauto-noname, and bare (the columns
in a table with no key and no index).
"""
import os
import sqlite3
import sys
import tempfile
import time

COLUMNS = ['tenant_id', 'event_row_id', 'kind', 'event_name', 'event_id', 'order_id', 'occurred_at', 'day',
           'platform', 'campaign', 'currency', 'amount_micros', 'customer_key', 'order_value_after', 'recorded_at']
VALUES = {
    'tenant_id': lambda x: 'demo', 'event_row_id': lambda x: x, 'kind': lambda x: 'purchase',
    'event_name': lambda x: 'Purchase', 'event_id': lambda x: f'load-abc-{x % 2}-{x}', 'order_id': lambda x: f'o-{x}',
    'occurred_at': lambda x: 1700000000000, 'day': lambda x: 20000, 'platform': lambda x: 'meta',
    'campaign': lambda x: 'bf-2026', 'currency': lambda x: 'EUR', 'amount_micros': lambda x: 129900000,
    'customer_key': lambda x: 'k' * 43, 'order_value_after': lambda x: None, 'recorded_at': lambda x: 1700000000000,
}
ALL = ['all', 'noorder', 'noauto', 'noname', 'noorder-noauto-noname', 'bare']


def run(variant, directory, rows=200_000, per_commit=200, per_insert=100):
    path = os.path.join(directory, variant + '.db')
    c = sqlite3.connect(path, isolation_level=None)
    c.execute('PRAGMA page_size = 8192')
    c.execute('PRAGMA journal_mode = WAL')
    c.execute('PRAGMA synchronous = OFF')
    cols = [k for k in COLUMNS if not ('noname' in variant and k in ('event_name', 'event_id'))]
    if variant == 'bare':
        c.execute('CREATE TABLE ledger_entries (' + ', '.join(cols) + ')')
    else:
        auto = '' if 'noauto' in variant else 'AUTOINCREMENT'
        c.execute(f'CREATE TABLE ledger_entries (id INTEGER PRIMARY KEY {auto}, ' + ', '.join(cols) + ')')
        if 'noorder' not in variant:
            c.execute('CREATE INDEX ledger_entries_order ON ledger_entries (tenant_id, order_id) WHERE order_id IS NOT NULL')
        c.execute("CREATE INDEX ledger_entries_refunds ON ledger_entries (tenant_id, id) WHERE kind = 'refund'")
    tuple_sql = '(' + ', '.join('?' * len(cols)) + ')'
    sql = f'INSERT INTO ledger_entries ({", ".join(cols)}) VALUES ' + ', '.join([tuple_sql] * per_insert)
    values = [VALUES[k] for k in cols]
    commits = []
    for first in range(0, rows, per_commit):
        commits.append([[f(x) for x in range(start, start + per_insert) for f in values]
                        for start in range(first, first + per_commit, per_insert)])
    started = time.process_time()
    for inserts in commits:
        c.execute('BEGIN')
        for arguments in inserts:
            c.execute(sql, arguments)
        c.execute('COMMIT')
    spent = time.process_time() - started
    c.close()
    return spent / rows * 1e6


def main():
    variants = sys.argv[1:] or ALL
    for _ in range(3):
        with tempfile.TemporaryDirectory() as directory:
            print(' '.join(f'{v}={run(v, directory):.2f}' for v in variants), flush=True)


if __name__ == '__main__':
    main()
