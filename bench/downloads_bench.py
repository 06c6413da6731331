"""Prints how long reading back-office downloads takes: a year of daily traffic of five platforms and ad reports
of four ad platforms (target: under 2 s), then one N-order export (default one million) in each order format,
read with its order lines, and checks the GMV against the generator.

    PYTHONPATH=$PWD python bench/downloads_bench.py [--orders 1000000] [--formats taobao,jd,douyin,pdd,weixin]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

FORMATS = ("taobao", "jd", "douyin", "pdd", "weixin")


def downloads(folder: Path) -> None:
    """A year of the five platforms' daily traffic and the four ad platforms' reports, as download_files writes."""
    from download_files import ADS, TRAFFIC, ShopTruth, Style, ad_rows, traffic_rows, write_table, year_days

    rng, truth, days = random.Random(3), ShopTruth(), year_days(2025)
    layouts = {"淘宝": (".xls", Style(title_rows=5)), "京东": (".xls", Style(date_form="compact")),
               "抖音": (".csv", Style(total="first")), "拼多多": (".xlsx", Style(title_rows=1, total="last")),
               "微信小店": (".csv", Style(date_form="cn"))}
    for channel in TRAFFIC:
        suffix, style = layouts[channel]
        write_table(folder / f"traffic_{channel}{suffix}", traffic_rows(rng, channel, days, truth, style), "gbk")
    for platform, suffix in zip(ADS, (".zip", ".xlsx", ".csv", ".xls"), strict=True):
        write_table(folder / f"ads_{platform}{suffix}", ad_rows(rng, platform, days, truth, Style(thousands=True)))


def _frame(kind: str, count: int):
    """N paid orders of one format as a DataFrame of text cells (header as exported), and their GMV in cents."""
    import numpy as np
    import pandas as pd
    from platform_exports import DOUYIN, JD, PDD, TAOBAO, WEIXIN

    rng = np.random.default_rng(7)
    cents = rng.integers(990, 39900, count)
    seconds = rng.integers(0, 364 * 86400, count)
    times = (pd.Timestamp("2025-01-01") + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    amounts = pd.Series(cents // 100).astype(str) + "." + pd.Series(cents % 100).astype(str).str.zfill(2)
    codes = "YS" + pd.Series(rng.integers(0, 300, count)).astype(str).str.zfill(4) + "-M"
    ids = pd.Series(np.arange(count, dtype=np.int64) * 7 + 3_900_000_000_000_000_000).astype(str)
    headers, cells = {"taobao": (TAOBAO, {"订单编号": '="' + ids + '"', "买家会员名": "tb_" + (ids.str[-5:]),
                                         "买家应付货款": amounts, "买家应付邮费": "0.00", "买家实际支付金额": amounts,
                                         "订单状态": "交易成功", "订单创建时间": times, "订单付款时间 ": times,
                                         "店铺名称": "云杉小铺", "退款金额": "0.00"}),
                      "jd": (JD, {"订单号": ids.str[-12:], "商品ID": "100012", "京东价": amounts, "应付金额": amounts,
                                  "订单状态": "完成", "下单帐号": "jd_" + ids.str[-5:], "下单时间": times,
                                  "付款确认时间": times, "货号": codes.str[:6]}),
                      "douyin": (DOUYIN, {"主订单编号": "\t" + ids, "子订单编号": "\t" + ids, "商家编码": codes,
                                          "订单应付金额": amounts, "订单提交时间": times, "支付完成时间": times,
                                          "订单状态": "已完成", "售后状态": "-"}),
                      "pdd": (PDD, {"订单号": "250101-" + ids.str[-15:], "订单状态": "已收货",
                                    "用户实付金额(元)": amounts + "\t", "订单成交时间": times,
                                    "商家编码-规格维度": codes}),
                      "weixin": (WEIXIN, {"订单号": ids, "订单下单时间": times, "订单状态": "已完成",
                                          "订单实际支付金额": amounts, "支付时间": times, "SKU编码(自定义)": codes,
                                          "商品实际价格(总共)": amounts, "商品已退款金额": "0.00"})}[kind]
    frame = pd.DataFrame({h: cells.get(h, "") for h in headers}, index=range(count))
    return frame, int(cents.sum())


def _xlsx(path: Path, frame) -> None:
    """A sheet of text cells, written as XML directly (openpyxl takes minutes for a million rows); empty cells are
    left out, as Excel itself does."""
    from openpyxl.utils.cell import get_column_letter

    letters = [get_column_letter(i + 1) for i in range(frame.shape[1])]

    def row_xml(r: int, values) -> str:
        cells = "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                        for c, v in zip(letters, values, strict=True) if v != "")
        return f'<row r="{r}">{cells}</row>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        types = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        book.writestr("[Content_Types].xml", types)
        book.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                      'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                      'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                      '</Relationships>')
        book.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                      'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/office'
                      'Document/2006/relationships"><sheets><sheet name="快递订单" sheetId="1" r:id="rId1"/></sheets>'
                      '</workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
                      'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                      'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
                      'worksheets/sheet1.xml"/></Relationships>')
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')
            sheet.write(row_xml(1, frame.columns).encode())
            for start in range(0, len(frame), 50_000):
                part = frame.iloc[start:start + 50_000].itertuples(index=False)
                sheet.write("".join(row_xml(start + i + 2, v) for i, v in enumerate(part)).encode())
            sheet.write(b"</sheetData></worksheet>")


def order_export(folder: Path, kind: str, count: int) -> int:
    """Write one export of `kind`; returns its GMV in cents."""
    frame, cents = _frame(kind, count)
    if kind == "weixin":
        _xlsx(folder / "微信小店订单.xlsx", frame)
    else:
        encoding = "gbk" if kind in ("taobao", "jd") else "utf-8-sig"
        frame.to_csv(folder / f"{kind}_orders.csv", index=False, encoding=encoding, lineterminator="\r\n")
    return cents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    from drafter.metrics.folder import scan

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "downloads"
        folder.mkdir()
        downloads(folder)
        started, cpu = time.perf_counter(), time.process_time()
        got = scan(folder, need_orders=False)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"a year of daily traffic (5 platforms) and ad reports (4 ad platforms), {len(list(folder.iterdir()))} "
              f"files: read in {took:.2f}s ({cpu:.2f}s CPU; target < 2 s); {len(got.traffic)} traffic days, "
              f"{len(got.marketing)} ad platform-days")
        for kind in args.formats.split(","):
            data = Path(tmp) / kind
            data.mkdir()
            started = time.perf_counter()
            cents = order_export(data, kind, args.orders)
            written = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            got = scan(data)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            gmv = round(got.exports["amount"].sum() * 100)
            lines = 0 if got.lines is None else len(got.lines)
            print(f"{kind}: {args.orders} orders ({sum(p.stat().st_size for p in data.iterdir()) / 1e6:.0f} MB, "
                  f"written in {written:.1f}s) read with {lines} order lines in {took:.1f}s ({cpu:.1f}s CPU); "
                  f"GMV {'matches' if gmv == cents else f'DIFFERS: {gmv} vs {cents} cents'}")
            for path in data.iterdir():
                path.unlink()


if __name__ == "__main__":
    main()
