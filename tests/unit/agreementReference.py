"""The reference implementations Loupe's agreement figures are checked against (tests/unit/agreement.test.ts).

Reads one JSON request on stdin, writes one JSON answer on stdout. Nothing here imports Loupe's code:
character items are built from the spans again, here, by walking every character, as docs/agreement.md
describes them, and the coefficients come from scikit-learn, statsmodels and NLTK.

Requests:
  {"kind": "items", "fixtures": [{"raters": k, "items": [[v or null, ...], ...]}, ...]}
      -> per fixture: cohen (every pair, over the items both coded), fleiss (items all coded),
         alpha (NLTK, missing values left out), and on the items all coded: nltk_kappa, nltk_multi_kappa, nltk_pi
  {"kind": "spans", "annotators": [...], "labels": [...], "documents": [{"id", "length", "layers": [[span...] or null]}]}
      -> the same figures for the corpus, each label and each document, from character items,
         exact / overlap span matches per pair, and per "label.attribute" from the values of spans drawn alike
"""
import itertools
import json
import math
import sys

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa


def num(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def figures(items, k):
    """items: list of value lists (None where missing), k annotators."""
    out = {"cohen": {}, "n": len(items)}
    for a, b in itertools.combinations(range(k), 2):
        both = [it for it in items if it[a] is not None and it[b] is not None]
        if not both:
            out["cohen"][f"{a}-{b}"] = None
            continue
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out["cohen"][f"{a}-{b}"] = num(cohen_kappa_score([it[a] for it in both], [it[b] for it in both]))
    complete = [it for it in items if all(v is not None for v in it)]
    if complete:
        table, _ = aggregate_raters(np.array(complete, dtype=object))
        with np.errstate(all="ignore"):
            out["fleiss"] = num(fleiss_kappa(table, method="fleiss"))
    else:
        out["fleiss"] = None
    triples = [(str(c), str(i), v) for i, it in enumerate(items) for c, v in enumerate(it) if v is not None]
    pairable = [it for it in items if sum(v is not None for v in it) >= 2]
    values = {v for it in pairable for v in it if v is not None}
    # NLTK returns 1 when the data hold one value only, where α is undefined (no variation): Loupe says null.
    out["alpha"] = num(AnnotationTask(triples).alpha()) if len(values) > 1 else None
    # NLTK's kappa assumes every coder coded every item (it divides by all items), so it is given the
    # complete ones; it looks items up one by one, so only small sets are given to it.
    if complete and len(complete) <= 1500 and len({v for it in complete for v in it}) > 1:
        task = AnnotationTask([(str(c), str(i), v) for i, it in enumerate(complete) for c, v in enumerate(it)])
        for name, f in (("nltk_kappa", task.kappa), ("nltk_multi_kappa", task.multi_kappa), ("nltk_pi", task.pi)):
            try:
                out[name] = num(f())
            except ZeroDivisionError:  # a pair with chance agreement 1: undefined
                out[name] = None
    return out


def pieces(span, length):
    frags = span.get("fragments") or [[span["start"], span["end"]]]
    return [(max(0, min(s, length)), max(0, min(e, length))) for s, e in frags if min(e, length) > max(0, s)]


def char_items(doc, label, k):
    """One item per character: '1' when a span of `label` of that annotator covers it, else '0'; None if no layer."""
    covered = []
    for layer in doc["layers"]:
        if layer is None:
            covered.append(None)
            continue
        chars = set()
        for span in layer["spans"]:
            if span["label"] == label:
                for s, e in pieces(span, doc["length"]):
                    chars.update(range(s, e))
        covered.append(chars)
    return [[None if cov is None else ("1" if c in cov else "0") for cov in covered] for c in range(doc["length"])]


def span_matches(a_spans, b_spans, length):
    """Exact (multiset of label+pieces) and lenient overlap counts, written plainly."""
    key = lambda s: (s["label"], tuple(pieces(s, length)))
    a_keys = [key(s) for s in a_spans]
    b_keys = [key(s) for s in b_spans]
    same = sum(min(a_keys.count(x), b_keys.count(x)) for x in set(a_keys))

    def chars(s):
        return {c for st, en in pieces(s, length) for c in range(st, en)}

    def found(s, others):
        return any(o["label"] == s["label"] and chars(s) & chars(o) for o in others)

    return {
        "exact": [len(a_spans), len(b_spans), same, same],
        "overlap": [len(a_spans), len(b_spans), sum(found(s, b_spans) for s in a_spans), sum(found(s, a_spans) for s in b_spans)],
    }


def attr_value(v):
    """An attribute value as an item value: a text as it is, anything else as its JSON; None if absent or empty."""
    if v is None or v == "":
        return None
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def attribute_items(docs, k, length_of):
    """Per "label.attribute": one item per span two or more annotators drew alike (same label and
    pieces; the n-th copy within a layer pairs with the n-th copy), each annotator's value of it."""
    out = {}
    for d in docs:
        units = {}
        order = []
        for who, layer in enumerate(d["layers"]):
            if layer is None:
                continue
            seen = {}
            for span in layer["spans"]:
                base = (span["label"], tuple(pieces(span, length_of(d))))
                n = seen.get(base, 0)
                seen[base] = n + 1
                if (base, n) not in units:
                    units[(base, n)] = [None] * k
                    order.append((base, n))
                units[(base, n)][who] = span
        for key in order:
            unit = units[key]
            if sum(s is not None for s in unit) < 2:
                continue
            label = key[0][0]
            names = []
            for s in unit:
                for name in (s or {}).get("attrs") or {}:
                    if name not in names:
                        names.append(name)
            for name in names:
                out.setdefault(f"{label}.{name}", []).append([None if s is None else attr_value((s.get("attrs") or {}).get(name)) for s in unit])
    return out


def spans_request(req):
    k = len(req["annotators"])
    docs = [d for d in req["documents"] if sum(l is not None for l in d["layers"]) >= 2]
    out = {"corpus": None, "byLabel": {}, "byDocument": {}, "spans": {}}
    corpus = []
    for label in req["labels"]:
        items = [it for d in docs for it in char_items(d, label, k)]
        out["byLabel"][label] = figures(items, k)
        corpus += items
    out["corpus"] = figures(corpus, k)
    for d in docs:
        # A document's figures are between the annotators who annotated it.
        present = [i for i, l in enumerate(d["layers"]) if l is not None]
        items = [[it[i] for i in present] for label in req["labels"] for it in char_items(d, label, k)]
        f = figures(items, len(present))
        f["cohen"] = {f"{present[int(x)]}-{present[int(y)]}": v for x, y in (key.split("-") for key in f["cohen"]) for v in [f["cohen"][f"{x}-{y}"]]}
        out["byDocument"][str(d["id"])] = f
    for a, b in itertools.combinations(range(k), 2):
        total = {"exact": [0, 0, 0, 0], "overlap": [0, 0, 0, 0]}
        for d in docs:
            la, lb = d["layers"][a], d["layers"][b]
            if la is None or lb is None:
                continue
            m = span_matches(la["spans"], lb["spans"], d["length"])
            for kind in total:
                total[kind] = [x + y for x, y in zip(total[kind], m[kind])]
        out["spans"][f"{a}-{b}"] = total
    out["attributes"] = {name: figures(items, k) for name, items in attribute_items(req["documents"], k, lambda d: d["length"]).items()}
    return out


def main():
    req = json.load(sys.stdin)
    if req["kind"] == "items":
        answer = [figures([[None if v is None else str(v) for v in it] for it in f["items"]], f["raters"]) for f in req["fixtures"]]
    else:
        answer = spans_request(req)
    json.dump(answer, sys.stdout)


main()
