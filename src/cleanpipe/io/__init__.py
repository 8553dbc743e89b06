"""Documents in and out: file readers, byte decoding, dataset rows (JSONL, Parquet), atomic writes.

A dataset record is a row with a text field and, usually, an id field; every other field
passes through untouched. `rows` holds the per-row logic that the local runner, a pyarrow
batch job and Ray all share, so they produce the same text and the same report for a row.
"""
