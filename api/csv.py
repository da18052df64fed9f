"""CSV answers for spreadsheets: when a client asks for one (Accept), and how it is written: at once, or
streamed batch by batch (a long list)."""

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import Response
from fastapi.responses import StreamingResponse

from protocol.dates import amsterdam_date
from services.spreadsheet import neutralise

CSV = "text/csv"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def wants_csv(accept: str | None) -> bool:
    """Whether the client prefers CSV: `text/csv` with a q-value at least that of JSON. Without an
    Accept header, or for anything else, the answer is JSON."""
    if not accept:
        return False
    csv_q = json_q = 0.0
    for media_range in accept.split(","):
        media, *params = (part.strip() for part in media_range.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media == CSV:
            csv_q = max(csv_q, q)
        elif media in ("application/json", "application/*", "*/*"):
            json_q = max(json_q, q)
    return csv_q > 0 and csv_q >= json_q


def _headers(filename: str) -> dict[str, str]:
    today = amsterdam_date(datetime.now(UTC)).isoformat()
    return {"Content-Disposition": f'attachment; filename="{filename}-{today}.csv"', "Vary": "Accept"}


def _writer(out: io.StringIO) -> Any:
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A download a Dutch spreadsheet opens as it is: `;` between fields (the comma is the decimal
    separator there), UTF-8 with a byte order mark (without it Excel guesses the encoding and mangles
    ë and ö), CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = _writer(out)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(content="\ufeff" + out.getvalue(), media_type=CSV_MEDIA_TYPE, headers=_headers(filename))


def csv_stream(
    filename: str, header: Sequence[str], batches: AsyncIterable[Iterable[Sequence[object]]]
) -> StreamingResponse:
    """The same file as `csv_response`, written while `batches` are read: one chunk per batch of rows, so
    a long list takes the memory of one batch, however long it is. Whatever the use case had to log is
    logged before it is called (the first byte leaves after): a failure on the way cuts the file short."""

    async def chunks() -> AsyncIterator[bytes]:
        out = io.StringIO()
        writer = _writer(out)
        out.write("\ufeff")
        writer.writerow(header)
        async for rows in batches:
            writer.writerows([_cell(v) for v in row] for row in rows)
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
        if out.tell():
            yield out.getvalue().encode()

    return StreamingResponse(chunks(), media_type=CSV_MEDIA_TYPE, headers=_headers(filename))


def _cell(value: object) -> object:
    """A field as a spreadsheet should show it: empty for None, and text that a spreadsheet would take
    for a formula (a name starting with `=`, say) quoted as text: CSV injection."""
    return "" if value is None else neutralise(value)
