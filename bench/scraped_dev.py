"""Web-copy cleaning benchmark on ../shared/scraped-dev: boilerplate removed, content kept, chunks, titles.

Usage: python bench/scraped_dev.py [--dev ../shared/scraped-dev] [--json OUT] [-v]

Each NN_site.txt is added with the corpus stage (hash embedder, a fresh temporary working folder) and the
kept text is compared with NN_site.labels, as the set's README says: a B (chrome) line is removed when its
whitespace-normalised text no longer appears in the kept text, a C (content) line is kept when it still
does (both compared in Simplified script). One refinement: a chrome line whose text is also report content
(a title repeated under a collection header) is removed when the kept text holds it no more often than the
content does. A chunk is chrome-only when none of its lines is report content; a chunk is cited under a
chrome heading when a part of its heading path is a chrome line. Title, kind and period are compared with
expected.json. tests/web_copies and tests/web_copies_wide have the same layout (--dev tests/web_copies); a copy
may be in GBK or Big5 (read as the corpus reads it), and an .html copy's .labels give each visible line of the
page as LABEL<TAB>text, since the page's source lines are markup."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafter.config import load_config  # noqa: E402
from drafter.corpus import add_paths, get_document  # noqa: E402
from drafter.corpus.text import decode_bytes  # noqa: E402

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "scraped-dev"


def norm(text: str) -> str:
    """Simplified, width-folded, without whitespace: the form lines are compared in."""
    import opencc

    global _T2S
    if "_T2S" not in globals():
        _T2S = opencc.OpenCC("t2s")
    text = unicodedata.normalize("NFKC", _T2S.convert(text))
    text = text.translate(str.maketrans("，；：（）", ",;:()"))
    return re.sub(r"\s+", "", text)


def measure_file(config, txt: Path, expected: dict) -> dict:
    """Figures for one labelled copy."""
    labels = txt.with_suffix(".labels").read_text(encoding="utf-8").split("\n")
    if txt.suffix == ".html":  # LABEL<TAB>visible line
        labels, lines = zip(*(lab.partition("\t")[::2] for lab in labels), strict=True)
    else:
        lines = decode_bytes(txt.read_bytes(), str(txt)).split("\n")
    pairs = [(lab.strip(), norm(line)) for lab, line in zip(labels, lines, strict=False) if lab.strip() in "BC"
             and lab.strip() and norm(line)]
    report = add_paths(config, [txt])
    result = report.files[0]
    if result.status == "failed":
        return {"file": txt.stem, "error": result.error}
    doc = get_document(config, result.doc_id)
    kept = norm(doc["text"])
    chrome = [n for lab, n in pairs if lab == "B"]
    content = [n for lab, n in pairs if lab == "C"]
    # A chrome line whose text is also report content (a title repeated under a collection header) is removed
    # when the kept text holds it no more often than the content does; otherwise, as the README says.
    removed = [n for n in chrome if kept.count(n) <= sum(c.count(n) for c in content)]
    kept_c = [n for n in content if n in kept]

    def is_content(piece: str) -> bool:
        return len(piece) >= 2 and any(piece in c or c in piece for c in content)

    def is_chrome(piece: str) -> bool:
        return bool(piece) and any(piece in b for b in chrome) and not is_content(piece)

    chrome_only, chrome_heading = [], []
    for c in doc["chunk_list"]:
        parts = [norm(p) for p in c["text"].split("\n") if norm(p)]
        if not any(is_content(p) for p in parts):
            chrome_only.append(c["id"])
        if any(is_chrome(norm(h)) for h in c["heading"].split(" > ")):
            chrome_heading.append(c["id"])
    exp = expected.get(txt.stem, {})
    title_ok = norm(doc["title"]) in {norm(t) for t in exp.get("title", [])}
    return {
        "file": txt.stem, "chrome_lines": len(chrome), "chrome_removed": len(removed),
        "content_lines": len(content), "content_kept": len(kept_c), "chunks": len(doc["chunk_list"]),
        "chrome_only_chunks": len(chrome_only), "chrome_heading_chunks": len(chrome_heading),
        "title": doc["title"], "title_ok": title_ok,
        "kind": doc["kind"], "kind_ok": doc["kind"] == exp.get("kind"),
        "period": doc["period"], "period_ok": doc["period"] in exp.get("period", []),
        "chrome_left": [line for lab, line in zip(labels, lines, strict=False) if lab.strip() == "B" and norm(line)
                        and kept.count(norm(line)) > sum(c.count(norm(line)) for c in content)],
        "content_lost": [line for lab, line in zip(labels, lines, strict=False)
                         if lab.strip() == "C" and norm(line) and norm(line) not in kept],
        "removed_by_reason": doc.get("removed", {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", default=str(DEV))
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("-v", "--verbose", action="store_true", help="list chrome left and content lost")
    args = parser.parse_args()
    dev = Path(args.dev)
    expected = json.loads((dev / "expected.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="drafter-scraped-"))
    try:
        config = load_config(work, env={"DRAFTER_EMBEDDER": "hash"})
        rows = [measure_file(config, txt, expected) for txt in sorted([*dev.glob("*.txt"), *dev.glob("*.html")])]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = [r for r in rows if "error" not in r]
    total = {k: sum(r[k] for r in ok) for k in ("chrome_lines", "chrome_removed", "content_lines", "content_kept",
                                               "chunks", "chrome_only_chunks", "chrome_heading_chunks")}
    for k in ("title_ok", "kind_ok", "period_ok"):
        total[k] = sum(r[k] for r in ok)
    total["files"], total["failed"] = len(rows), len(rows) - len(ok)
    print(f"{'file':20} {'chrome removed':>15} {'content kept':>13} {'chunks':>6} {'chrome-only':>11} "
          f"{'chrome-head':>11}  title / kind / period")
    for r in rows:
        if "error" in r:
            print(f"{r['file']:20} FAILED {r['error']}")
            continue
        mark = {True: "ok", False: "WRONG"}
        print(f"{r['file']:20} {r['chrome_removed']:>7}/{r['chrome_lines']:<7} {r['content_kept']:>6}/"
              f"{r['content_lines']:<6} {r['chunks']:>6} {r['chrome_only_chunks']:>11} "
              f"{r['chrome_heading_chunks']:>11}  《{r['title']}》 {mark[r['title_ok']]} / {r['kind']} "
              f"{mark[r['kind_ok']]} / {r['period'] or '-'} {mark[r['period_ok']]}")
        if args.verbose:
            for line in r["chrome_left"]:
                print(f"{'':20}   chrome left: {line[:70]}")
            for line in r["content_lost"]:
                print(f"{'':20}   CONTENT LOST: {line[:70]}")
    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a / b if b else 100.0:.1f}%)"

    n = len(ok)
    print(f"overall: boilerplate removed {pct(total['chrome_removed'], total['chrome_lines'])}, content kept "
          f"{pct(total['content_kept'], total['content_lines'])}, chrome-only chunks "
          f"{total['chrome_only_chunks']}/{total['chunks']}, chunks under a chrome heading "
          f"{total['chrome_heading_chunks']}; titles {total['title_ok']}/{n}, kinds {total['kind_ok']}/{n}, "
          f"periods {total['period_ok']}/{n}" + (f"; {total['failed']} failed" if total["failed"] else ""))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"files": rows, "overall": total}, ensure_ascii=False, indent=2),
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
