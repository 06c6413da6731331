"""One definition set on every engine: DuckDB, PostgreSQL, Spark and MariaDB give the same facts on the demo data."""

from __future__ import annotations

import math

from drafter.metrics import compute_facts


def _facts(data, period: str, cache, url: str = "") -> dict:
    return {f.id: f for f in compute_facts(data, period, cache, engine_url=url).facts}


def test_every_engine_gives_the_same_facts(small_data, pg_demo, spark_demo, mariadb_demo, tmp_path):
    on_duckdb = _facts(small_data, "2025", tmp_path)
    assert len(on_duckdb) > 300
    nowhere = tmp_path / "no-files-needed"
    for url in (pg_demo, spark_demo, mariadb_demo):
        facts = _facts(nowhere, "2025", tmp_path, url)
        assert set(facts) == set(on_duckdb), url
        for key, fact in on_duckdb.items():
            other = facts[key].value
            if fact.unit == "元":  # money to the cent
                assert round(other, 2) == round(fact.value, 2), (url, key, other, fact.value)
            else:
                assert math.isclose(other, fact.value, rel_tol=1e-9, abs_tol=1e-9), (url, key, other, fact.value)
