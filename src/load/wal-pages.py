#!/usr/bin/env python3
"""Which b-trees a SQLite commit writes: the frames of a write-ahead log, by table and index.

    python3 src/load/wal-pages.py DIR      # DIR holds a copy of sluice.db and sluice.db-wal

Reads the log's frames (page number, commit marker, salts), counts the frames of each commit,
and names each page's b-tree with SQLite's dbstat table (the copy is opened read-only, with its
log). Every frame is a whole page written by the single writer, so frames per commit by b-tree
say where the writer's bytes go. src/load/wal-pages.sh takes the copy under load.
"""
import collections
import sqlite3
import struct
import sys

directory = sys.argv[1]
wal = open(f"{directory}/sluice.db-wal", "rb").read()
_, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", wal[:32])
commits, current, grown = [], [], []
last_size = None
offset = 32
while offset + 24 + page_size <= len(wal):
    page, size_after_commit, frame_salt1, frame_salt2 = struct.unpack(">4I", wal[offset:offset + 16])
    if (frame_salt1, frame_salt2) != (salt1, salt2):
        break   # frames of an earlier generation of the log
    current.append(page)
    if size_after_commit:
        commits.append(current)
        current = []
        if last_size is not None:
            grown.append(size_after_commit - last_size)
        last_size = size_after_commit
    offset += 24 + page_size
if not commits:
    sys.exit("no complete commit in the log")
pages = {p for c in commits for p in c}
db = sqlite3.connect(f"file:{directory}/sluice.db?mode=ro", uri=True)
owner = {page: name for name, page in db.execute("SELECT name, pageno FROM dbstat") if page in pages}
frames = collections.Counter(owner.get(p, "(free or new)") for c in commits for p in c)
n = len(commits)
print(f"page size {page_size}, {n} commits, {sum(frames.values()) / n:.1f} frames per commit"
      + (f", {sum(grown) / len(grown):.1f} of them new pages" if grown else ""))
for name, count in frames.most_common():
    print(f"  {name:40s} {count / n:7.1f} frames per commit")
