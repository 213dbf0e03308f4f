"""SQL that makes PostgreSQL write API JSON itself: datetimes as the API writes them, ETags as
``app.kit.etag`` makes them, objects from ``key expression`` lines. For the hot reads and writes
whose response is one statement's text, sent as it is."""

from __future__ import annotations


def utc(column: str) -> str:
    """SQL writing a ``timestamptz`` the way the API does (Pydantic's form of a UTC datetime:
    microseconds only when there are some, then ``Z``); NULL stays NULL."""
    local = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"""(to_char({local}, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN """
        f"""extract(microseconds FROM {column})::integer % 1000000 <> 0 THEN to_char({local}, '.US') """
        """ELSE '' END || 'Z')"""
    )


def etag(alias: str) -> str:
    """SQL of the row's ETag, as ``app.kit.etag.etag_of`` makes it (id and ``updated_at``)."""
    micros = f"(extract(epoch FROM {alias}.updated_at) * 1000000)::bigint"
    hex_ = f"CASE WHEN {micros} < 0 THEN '-' || to_hex(-{micros}) ELSE to_hex({micros}) END"
    return f"""'"' || {alias}.id || '-' || {hex_} || '"'"""


def json_object(fields: str) -> str:
    """``json_build_object`` of ``key column`` lines (the key when the column is the key)."""
    args = []
    for line in fields.strip().splitlines():
        key, _, expr = line.strip().rstrip(",").partition(" ")
        args += [f"'{key}'", expr or key]
    return f"json_build_object({', '.join(args)})"
