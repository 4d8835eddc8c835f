"""
Reads Loupe's exports as a data scientist would, with pandas and openpyxl, and the files LibreOffice
made from them, and compares every row with what the corpus holds.

    /usr/bin/python3 tests/realClients/spreadsheets.py MANIFEST.json

The manifest (written by spreadsheets.ts) lists the files and the corpus: each document's text and
its spans and links with offsets in code points. Everything expected here (a span's text, its
offsets in UTF-16 units or UTF-8 bytes, its context) is worked out from that text, not taken from
Loupe. Prints one JSON line: {"files", "rows", "cells", "mismatches"}.
"""
import json
import sys

import openpyxl
import pandas as pd

CONTEXT = 30
SPAN_COLUMNS = ["doc_id", "doc_title", "doc_status", "span_id", "label", "start", "end", "text", "fragments",
                "left_context", "right_context", "note", "offset_unit", "annotator"]
LINK_COLUMNS = ["link_id", "type", "from_span_id", "from_text", "to_span_id", "to_text", "doc_id", "annotator"]
DOCUMENT_COLUMNS = ["doc_id", "doc_title", "doc_status", "doc_note", "spans", "links", "length", "offset_unit", "meta",
                    "text"]

manifest = json.load(open(sys.argv[1], encoding="utf-8"))
docs = manifest["documents"]
attr_columns = manifest["attributeColumns"]  # [{"header", "label", "name", "kind"}]
figures = {"files": 0, "rows": 0, "cells": 0, "mismatches": []}


def mismatch(where, what, got, want):
    if len(figures["mismatches"]) < 200:
        figures["mismatches"].append("%s: %s is %r (%s), expected %r (%s)" % (
            where, what, got, type(got).__name__, want, type(want).__name__))


def same(where, what, got, want):
    """Compares one value, type included (a str is not an int, True is not 1)."""
    figures["cells"] += 1
    if type(got) is not type(want) or got != want:
        mismatch(where, what, got, want)


def offset(text, cp, unit):
    if unit == "codepoint":
        return cp
    if unit == "utf16":
        return len(text[:cp].encode("utf-16-le")) // 2
    return len(text[:cp].encode("utf-8"))


def cut(text, start, end, unit):
    """What a reader of `unit` offsets slices out of the text."""
    if unit == "codepoint":
        return text[start:end]
    if unit == "utf16":
        return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")
    return text.encode("utf-8")[start:end].decode("utf-8")


def expected_spans(unit):
    """Every span as its rows should hold it, with typed attribute values (None: no value)."""
    rows = []
    for doc in docs:
        text = doc["text"]
        for s in doc["spans"]:
            start, end = offset(text, s["start"], unit), offset(text, s["end"], unit)
            fragments = ";".join("%d-%d" % (offset(text, a, unit), offset(text, b, unit)) for a, b in s["fragments"])
            attrs = {c["header"]: (s["attrs"].get(c["name"]) if s["label"] == c["label"] else None) for c in attr_columns}
            rows.append({
                "doc": doc, "doc_id": doc["id"], "doc_title": doc["title"], "doc_status": doc["status"],
                "span_id": s["id"], "label": s["label"], "start": start, "end": end,
                "text": text[s["start"]:s["end"]], "fragments": fragments,
                "fragment_texts": [text[a:b] for a, b in s["fragments"]],
                "left_context": text[max(0, s["start"] - CONTEXT):s["start"]],
                "right_context": text[s["end"]:s["end"] + CONTEXT],
                "note": s["note"], "offset_unit": unit, "attrs": attrs, "annotator": s["annotator"] or "",
            })
    return rows


def expected_links():
    rows = []
    for doc in docs:
        texts = {s["id"]: doc["text"][s["start"]:s["end"]] for s in doc["spans"]}
        for l in doc["links"]:
            rows.append({"link_id": l["id"], "type": l["type"], "from_span_id": l["from"], "from_text": texts[l["from"]],
                         "to_span_id": l["to"], "to_text": texts[l["to"]], "doc_id": doc["id"],
                         "annotator": l["annotator"] or ""})
    return rows


def csv_text(value):
    """An attribute value as the CSV writes it."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def check_slices(where, doc, start, end, text, unit):
    figures["cells"] += 1
    got = cut(doc["text"], start, end, unit)
    if got != text:
        mismatch(where, "the document text at %d..%d (%s)" % (start, end, unit), got, text)


# --- Loupe JSONL and JSON, through pandas ------------------------------------------------------

def check_documents(where, frame_docs, unit):
    """Documents as pandas gives them (records), against the corpus."""
    same(where, "number of documents", len(frame_docs), len(docs))
    for got, doc in zip(frame_docs, docs):
        w = "%s document %s" % (where, doc["id"])
        figures["rows"] += 1
        for key in ("title", "text", "status", "note", "meta"):
            same(w, key, got[key], doc[key])
        same(w, "offset_unit", got["offset_unit"], unit)
        want = [r for r in expected_spans(unit) if r["doc"] is doc]
        same(w, "number of spans", len(got["spans"]), len(want))
        for s, e in zip(got["spans"], want):
            ws = "%s span %s" % (w, e["span_id"])
            figures["rows"] += 1
            same(ws, "id", s["id"], e["span_id"])
            same(ws, "label", s["label"], e["label"])
            same(ws, "start", s["start"], e["start"])
            same(ws, "end", s["end"], e["end"])
            same(ws, "text", s["text"], e["text"])
            check_slices(ws, doc, s["start"], s["end"], s["text"], unit)
            same(ws, "fragments", [cut(doc["text"], a, b, unit) for a, b in s["fragments"]], e["fragment_texts"])
            same(ws, "note", s["note"], e["note"])
            same(ws, "attrs", s["attrs"], {k: v for k, v in doc_span(doc, e["span_id"])["attrs"].items()})
        same(w, "links", [dict(l) for l in got["links"]], doc["links"])


def doc_span(doc, span_id):
    return next(s for s in doc["spans"] if s["id"] == span_id)


def check_jsonl(path, unit):
    frame = pd.read_json(path, lines=True)
    check_documents(path, frame.to_dict("records"), unit)


def check_json(path, unit):
    with open(path, encoding="utf-8") as f:
        whole = json.load(f)
    same(path, "offset_unit", whole["offset_unit"], unit)
    spans = pd.json_normalize(whole["documents"], record_path="spans", meta=["id"], meta_prefix="doc_")
    same(path, "span rows", len(spans), sum(len(d["spans"]) for d in docs))
    check_documents(path, whole["documents"], unit)


# --- the CSVs, through pandas -------------------------------------------------------------------

def read_csv(path):
    # As the README says: every field as the text it is, and no text taken for a missing value.
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def check_spans_csv(path, unit):
    frame = read_csv(path)
    headers = SPAN_COLUMNS + [c["header"] for c in attr_columns]
    same(path, "columns", list(frame.columns), headers)
    want = expected_spans(unit)
    same(path, "rows", len(frame), len(want))
    for (i, row), e in zip(frame.iterrows(), want):
        w = "%s row %d (span %s)" % (path, i + 2, e["span_id"])
        figures["rows"] += 1
        for key in ("doc_title", "doc_status", "span_id", "label", "text", "fragments", "left_context",
                    "right_context", "note", "offset_unit", "annotator"):
            same(w, key, row[key], e[key])
        same(w, "doc_id", row["doc_id"], str(e["doc_id"]))
        same(w, "start", row["start"], str(e["start"]))
        same(w, "end", row["end"], str(e["end"]))
        check_slices(w, e["doc"], int(row["start"]), int(row["end"]), row["text"], unit)
        for c in attr_columns:
            same(w, c["header"], row[c["header"]], csv_text(e["attrs"][c["header"]]))


def check_links_csv(path):
    frame = read_csv(path)
    same(path, "columns", list(frame.columns), LINK_COLUMNS)
    want = expected_links()
    same(path, "rows", len(frame), len(want))
    for (i, row), e in zip(frame.iterrows(), want):
        figures["rows"] += 1
        for key in LINK_COLUMNS:
            same("%s row %d" % (path, i + 2), key, row[key], str(e[key]) if key == "doc_id" else e[key])


# --- the XLSX, through pandas and openpyxl ------------------------------------------------------

def typed_span_rows(unit):
    """The spans sheet's rows as typed cells (None: an empty cell)."""
    rows = []
    for e in expected_spans(unit):
        cells = [e["doc_id"], e["doc_title"], e["doc_status"], e["span_id"], e["label"], e["start"], e["end"],
                 e["text"], e["fragments"], e["left_context"], e["right_context"], e["note"] or None, unit,
                 e["annotator"] or None]
        cells += [e["attrs"][c["header"]] for c in attr_columns]
        rows.append([None if c == "" else c for c in cells])
    return rows


def typed_link_rows():
    return [[e[k] or None if k == "annotator" else e[k] for k in LINK_COLUMNS] for e in expected_links()]


def typed_document_rows(unit):
    rows = []
    for doc in docs:
        length = offset(doc["text"], len(doc["text"]), unit)
        meta = json.dumps(doc["meta"], ensure_ascii=False, separators=(",", ":")) if doc["meta"] else None
        cells = [doc["id"], doc["title"], doc["status"], doc["note"] or None, len(doc["spans"]), len(doc["links"]),
                 length, unit, meta, doc["text"]]
        rows.append([None if c == "" else c for c in cells])
    return rows


def sheets(unit):
    return {
        "spans": (SPAN_COLUMNS + [c["header"] for c in attr_columns], typed_span_rows(unit)),
        "links": (LINK_COLUMNS, typed_link_rows()),
        "documents": (DOCUMENT_COLUMNS, typed_document_rows(unit)),
    }


def check_xlsx_pandas(path, unit):
    # As the README says: each cell as Excel stores it (dtype=object), and no text taken for a missing value.
    book = pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False)
    same(path, "sheets", list(book), ["spans", "links", "documents"])
    for name, (headers, want) in sheets(unit).items():
        frame = book.get(name)
        if frame is None:
            continue
        same("%s [%s]" % (path, name), "columns", list(frame.columns), headers)
        same("%s [%s]" % (path, name), "rows", len(frame), len(want))
        for i, (got, row) in enumerate(zip(frame.itertuples(index=False), want)):
            figures["rows"] += 1
            w = "%s [%s] row %d" % (path, name, i + 2)
            for header, g, e in zip(headers, got, row):
                same(w, header, g, "" if e is None else e)
    # A reader of the workbook alone: each span's offsets slice its text out of the documents sheet's text.
    if "spans" in book and "documents" in book:
        texts = dict(zip(book["documents"]["doc_id"], book["documents"]["text"]))
        for i, row in book["spans"].iterrows():
            check_slices("%s [spans] row %d" % (path, i + 2), {"text": texts.get(row["doc_id"], "")},
                         row["start"], row["end"], row["text"], unit)


def check_xlsx_cells(path, unit, made_by):
    """Every cell as openpyxl reads it: its value and its type (text 's', number 'n', flag 'b', never a formula)."""
    book = openpyxl.load_workbook(path, read_only=True)
    same(path, "sheets", book.sheetnames, ["spans", "links", "documents"])
    for name, (headers, want) in sheets(unit).items():
        if name not in book.sheetnames:
            continue
        rows = [list(r) for r in book[name].iter_rows()]
        same("%s [%s]" % (path, name), "rows", len(rows), len(want) + 1)
        for i, (cells, row) in enumerate(zip(rows, [headers] + want)):
            figures["rows"] += 1
            w = "%s [%s] row %d" % (path, name, i + 1)
            # a sheet LibreOffice wrote may leave out trailing empty cells
            cells = cells + [None] * (len(row) - len(cells))
            for header, cell, e in zip(headers, cells, row):
                value = None if cell is None else cell.value
                kind = None if cell is None or value is None else cell.data_type
                if made_by == "LibreOffice" and kind == "f" and isinstance(e, bool) and value == ("=TRUE()" if e else "=FALSE()"):
                    # LibreOffice has no boolean cells: it saves a flag as the formula TRUE() or FALSE()
                    value, kind = e, "b"
                want_kind = None if e is None else "b" if isinstance(e, bool) else "n" if isinstance(e, (int, float)) else "s"
                figures["cells"] += 1
                if kind != want_kind:
                    mismatch(w, "%s's cell type (%s)" % (header, made_by), kind, want_kind)
                same(w, header, value, e)


# --- files LibreOffice made from the CSVs -------------------------------------------------------

def check_lo_csv(path, kind, unit, text_columns):
    """
    LibreOffice's workbook of our CSV, imported with the README's filter: the columns it names as
    text hold exactly the CSV's text; the others may hold numbers LibreOffice recognised.
    """
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in book[book.sheetnames[0]].iter_rows()]
    if kind == "spans":
        headers = SPAN_COLUMNS + [c["header"] for c in attr_columns]
        want = []
        for e in expected_spans(unit):
            row = {k: e[k] for k in SPAN_COLUMNS}
            row.update({c["header"]: csv_text(e["attrs"][c["header"]]) for c in attr_columns})
            want.append([str(row[h]) for h in headers])
    else:
        headers = LINK_COLUMNS
        want = [[str(e[k]) for k in LINK_COLUMNS] for e in expected_links()]
    same(path, "rows", len(rows), len(want) + 1)
    for i, (cells, row) in enumerate(zip(rows, [headers] + want)):
        figures["rows"] += 1
        w = "%s row %d" % (path, i + 1)
        cells = cells + [None] * (len(row) - len(cells))
        for column, (header, cell, e) in enumerate(zip(headers, cells, row), start=1):
            value = None if cell is None else cell.value
            if value is not None and getattr(cell, "data_type", "s") == "f":
                mismatch(w, "%s (a formula)" % header, value, e)
                continue
            if i > 0 and column in text_columns:
                same(w, header, "" if value is None else value, e)
            else:
                got = "" if value is None else value
                if isinstance(got, float) and got.is_integer():
                    got = int(got)
                same(w, header, str(got) if not isinstance(got, bool) else str(got).lower(), e)


for item in manifest["files"]:
    figures["files"] += 1
    kind, path, unit = item["kind"], item["path"], item.get("unit", "codepoint")
    try:
        if kind == "jsonl":
            check_jsonl(path, unit)
        elif kind == "json":
            check_json(path, unit)
        elif kind == "spans-csv":
            check_spans_csv(path, unit)
        elif kind == "links-csv":
            check_links_csv(path)
        elif kind == "xlsx":
            check_xlsx_pandas(path, unit)
            check_xlsx_cells(path, unit, "Loupe")
        elif kind == "libreoffice-xlsx":
            check_xlsx_cells(path, unit, "LibreOffice")
        elif kind == "libreoffice-spans-csv":
            check_lo_csv(path, "spans", unit, set(item["textColumns"]))
        elif kind == "libreoffice-links-csv":
            check_lo_csv(path, "links", unit, set(item["textColumns"]))
        else:
            figures["mismatches"].append("%s: unknown kind %s" % (path, kind))
    except Exception as error:  # a file the tool cannot read at all is a mismatch, not a crash of the check
        figures["mismatches"].append("%s: %s: %s" % (path, type(error).__name__, error))

print(json.dumps(figures, ensure_ascii=False))
