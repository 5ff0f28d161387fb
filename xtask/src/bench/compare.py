"""Side-by-side baselines for `cargo xtask bench`: trafilatura (extraction) and datasketch (near-duplicates).

Run inside the temporary virtual environment the bench creates. Prints one JSON object on stdout.

    python compare.py extract HTML_DIR GOLD_JSON [TOOL]
        TOOL: trafilatura (default settings, comments kept), trafilatura-no-comments, readability
        (readability-lxml); scores per source too (sources.json beside GOLD_JSON, else the id prefix)
    python compare.py dedup STREAM_JSONL [NUM_PERM] [THRESHOLD] [SHINGLE]
"""
import gzip
import json
import os
import re
import sys
import time
from collections import Counter

WORD = re.compile(r"\w+")


def shingles4(text):
    toks = WORD.findall(text or "")
    return Counter(tuple(toks[i:i + 4]) for i in range(len(toks) - 3))


def run_tool(tool):
    """The extraction function of one tool: HTML bytes in, text out."""
    if tool == "readability":
        import readability
        from readability import Document

        def text_of(data):
            summary = Document(data).summary(html_partial=True)
            from lxml import html as lxml_html
            return lxml_html.fromstring(summary).text_content() if summary.strip() else ""
        from importlib.metadata import version
        return text_of, version("readability-lxml")
    import trafilatura
    comments = tool != "trafilatura-no-comments"
    return (lambda data: trafilatura.extract(data, include_comments=comments) or ""), trafilatura.__version__


def scores(ids, out, gold):
    precisions, recalls = [], []
    for pid in ids:
        body = (gold.get(pid) or {}).get("articleBody", "")
        toks_p, toks_g = WORD.findall(out[pid] or ""), WORD.findall(body)
        # Texts of 1 to 3 tokens count as one shingle, as in synoptic's metric.
        p = Counter([tuple(toks_p)]) if 0 < len(toks_p) < 4 else shingles4(out[pid])
        g = Counter([tuple(toks_g)]) if 0 < len(toks_g) < 4 else shingles4(body)
        tp = sum((p & g).values())
        fp = sum(p.values()) - tp
        fn = sum(g.values()) - tp
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    prec = sum(precisions) / len(precisions) if precisions else 0.0
    rec = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
    return {"pages": len(ids), "precision": prec, "recall": rec, "f1": f1}


def extract(html_dir, gold_path, tool="trafilatura"):
    text_of, version = run_tool(tool)
    with open(gold_path, encoding="utf-8") as f:
        gold = json.load(f)
    sources_path = os.path.join(os.path.dirname(gold_path), "sources.json")
    sources = {}
    if os.path.exists(sources_path):
        with open(sources_path, encoding="utf-8") as f:
            sources = {k: v.get("source", "") for k, v in json.load(f).items()}
    pages = []
    for name in sorted(os.listdir(html_dir)):
        path = os.path.join(html_dir, name)
        if name.endswith(".html.gz"):
            with gzip.open(path, "rb") as f:
                data = f.read()
            pages.append((name[: -len(".html.gz")], data))
        elif name.endswith(".html"):
            with open(path, "rb") as f:
                pages.append((name[: -len(".html")], f.read()))
    out = {}
    cpu0 = time.process_time()
    start = time.perf_counter()
    for pid, data in pages:
        try:
            out[pid] = text_of(data)
        except Exception:  # a tool failing on one page scores that page as empty
            out[pid] = ""
    secs = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    ids = [pid for pid, _ in pages]
    total = scores(ids, out, gold)
    by_source = {}
    for pid in ids:
        src = sources.get(pid) or (pid.split("-", 1)[0] if "-" in pid else "all")
        by_source.setdefault(src, []).append(pid)
    print(json.dumps({"tool": "trafilatura" if tool.startswith("trafilatura") else tool, "setting": tool,
                      "version": version, "pages": len(pages), "secs": secs, "cpu_secs": cpu, **total,
                      "by_source": {k: scores(v, out, gold) for k, v in sorted(by_source.items())}}))


def dedup(stream_path, num_perm=128, threshold=0.5, k=5):
    import datasketch
    from datasketch import MinHash, MinHashLSH

    docs = []
    with open(stream_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            docs.append(((rec.get("title") or "") + "\n" + (rec.get("text") or rec.get("html") or "")))
    cpu0 = time.process_time()
    start = time.perf_counter()
    sets = []
    for text in docs:
        toks = WORD.findall(text.lower())
        grams = {" ".join(toks[i:i + k]).encode("utf-8") for i in range(max(1, len(toks) - k + 1))}
        sets.append(grams)
    hashes = MinHash.bulk(sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    predicted = []
    for i, mh in enumerate(hashes):
        best = None
        for key in lsh.query(mh):
            j = int(key)
            if hashes[j].jaccard(mh) >= threshold and (best is None or j < best):
                best = j
        predicted.append(best)
        lsh.insert(str(i), mh)
    secs = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    print(json.dumps({"tool": "datasketch", "version": datasketch.__version__, "docs": len(docs), "secs": secs, "cpu_secs": cpu,
                      "num_perm": num_perm, "threshold": threshold, "shingle_words": k, "predicted": predicted}))


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3], *sys.argv[4:5])
    elif sys.argv[1] == "dedup":
        args = sys.argv[3:]
        dedup(sys.argv[2], int(args[0]) if args else 128, float(args[1]) if len(args) > 1 else 0.5,
              int(args[2]) if len(args) > 2 else 5)
    else:
        sys.exit("usage: compare.py extract HTML_DIR GOLD | dedup STREAM")
