"""Lab 1's table recipes (course_lib.labs.tables): the definitions (registry keys, sources, radii, the
slides' numbers), the GPU-time model (forward passes per step from the algorithms), and the smoke
profile end to end on tiny fake CIFAR-10 (official on-disk format): one whole table with its CSV,
markdown and printed differences, resuming without retraining, one row of every other table, the CLI."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from course_lib.labs import at, read_jsonl
from course_lib.labs import tables as T
from course_lib.references import load_bib
from course_lib.robust import ELLE, TRADES
from course_lib.robust.registry import METHODS as REGISTRY

PAIRS = [(t, i) for t in T.TABLES for i in range(len(T.TABLES[t].rows))]
SMOKE = dict(device="cpu", quiet=True, config=dict(epochs=1))


def _row(pair):
    table = T.TABLES[pair[0]]
    return table, table.rows[pair[1]]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}-{p[1]}")
def test_every_row_names_a_registered_method_at_a_valid_radius(pair):
    table, row = _row(pair)
    assert row.eps in (8 / 255, 16 / 255)
    if row.method not in REGISTRY:        # LLR, CURE, ALP, CLP, MMA arrive with their own change
        pytest.skip(f"'{row.method}' is not registered in course_lib.robust.METHODS yet: the row is skipped")
    assert T.available(row)
    cfg = T.row_config(table, row, "full")
    assert cfg.method == row.method and cfg.eps == row.eps


def test_every_published_value_has_a_source_and_a_column():
    bib = load_bib()
    for table in T.TABLES.values():
        assert table.sources and all(k in bib for k in table.sources), table.name
        metrics = {c.metric for c in table.columns}
        assert metrics <= {"clean", "fgsm", "pgd", "best_pgd", "beta", "autoattack", "train_time"}
        assert len({r.folder for r in table.rows}) == len(table.rows), f"{table.name}: one folder per row"
        for row in table.rows:
            assert not row.source or row.source in bib
            assert set(row.published) <= metrics and set(row.std) <= set(row.published)
            assert all(0 < v < 100 for v in row.published.values())
    assert set(at.build_parser()._option_string_actions["--table"].choices) == set(T.TABLES)


def test_published_numbers_are_the_slides():
    elle = {(r.label, round(r.eps * 255)): r for r in T.TABLES["elle"].rows}
    assert elle["ELLE", 16].published == {"autoattack": 18.28, "clean": 59.73}
    assert elle["GradAlign", 8].std == {"autoattack": 0.21, "clean": 0.07}
    assert elle["FGSM-RS", 16].published == {}           # not in the slide's table: no number is made up
    beta = {r.label: r.published for r in T.TABLES["beta"].rows}
    assert beta["BETA-AT-10"] == {"clean": 85.30, "fgsm": 51.11, "best_pgd": 45.67, "pgd": 45.00,
                                  "beta": 44.36, "autoattack": 44.12}
    awp = {r.label: r.published for r in T.TABLES["awp"].rows}
    assert awp["TRADES-AWP"] == {"clean": 85.36, "fgsm": 63.49, "pgd": 59.27, "autoattack": 56.17}
    assert {r.label: r.published for r in T.TABLES["mart"].rows}["MART"] == awp["MART"]
    assert all(not r.published for r in T.TABLES["ddd"].rows)   # the paper's results are figures


def test_forward_passes_per_step_follow_the_algorithms(one_thread):
    """clean step 1, FGSM-RS 2, PGD-k k + 1, BETA-k (K − 1)·k + (K − 1) + 1, DDi m·(k + 1)."""
    passes = {(t, r.label): T.passes_per_image(T.row_config(T.TABLES[t], r, "full"), r)
              for t in ("elle", "beta", "ddd") for r in T.TABLES[t].rows[:1] + T.TABLES[t].rows[-1:]}
    assert passes["elle", "FGSM-RS"] == 2 and passes["elle", "PGD-10 AT"] == 11
    assert passes["beta", "BETA-AT-10"] == 9 * 10 + 9 + 1
    assert passes["ddd", "DDi"] == 10 * (7 + 1)


def test_gpu_time_estimate_is_passes_times_the_anchor(one_thread):
    table = T.TABLES["elle"]
    cfg = T.row_config(table, table.rows[0], "full")      # FGSM-RS, 15 epochs
    per_epoch_eval = (T.N_TEST / 3 + cfg.eval_size * (3 + cfg.eval_steps)) / T.N_TRAIN
    final = (T.N_TEST * (3 + 50 * 10) + 1000 * 10 * 50) / T.N_TRAIN
    want = (15 * 2 + 15 * per_epoch_eval + final) * T.PASS_EPOCH_S
    assert T.estimate_seconds(table)[0] == pytest.approx(want, rel=1e-9)
    half = T._relative_cost(at.make_config("pgd", "full", width=32))
    assert half == pytest.approx(0.25, abs=0.01)     # convolution MACs scale with width²


def _check_files(out, lines, table):
    rows = list(csv.DictReader(open(out / "table.csv")))
    assert len(rows) == len(table.rows) * len(table.columns) == len(lines)
    md = (out / "table.md").read_text()
    for line, rec in zip(lines, rows):
        assert rec["metric"] == line["metric"] and rec["row"] == line["row"]
        if line["published"] is not None and line["measured"] is not None:
            assert line["difference"] == pytest.approx(line["measured"] - line["published"], abs=1e-9)
            assert float(rec["difference"]) == pytest.approx(line["difference"], abs=1e-4)
            assert f"| {line['published']:.2f}" in md and f"| {line['difference']:+.2f} |" in md
    return md


def test_beta_table_end_to_end_then_resumes_without_training(tmp_path, one_thread, capsys, monkeypatch):
    table = T.TABLES["beta"]
    lines = T.run_table("beta", "smoke", out=tmp_path, device="cpu", config=dict(epochs=1))
    printed = capsys.readouterr().out
    md = _check_files(tmp_path, lines, table)
    for i, row in enumerate(table.rows):
        final = next(r for r in read_jsonl(tmp_path / row.folder / "metrics.jsonl") if r.get("final"))
        got = {ln["metric"]: ln for ln in lines if ln["index"] == i}
        assert got["clean"]["measured"] == pytest.approx(100 * final["clean"])
        assert got["best_pgd"]["measured"] == pytest.approx(100 * final["best_pgd"])
        assert got["clean"]["published"] == row.published["clean"]
        measured, published = 100 * final["clean"], row.published["clean"]
        assert f"| {row.label} | 8/255 | clean | {measured:.2f} | {published:.2f} |" in md
    assert "(fake data: the numbers mean nothing)" in md and "Robey et al. (2024)" in md
    assert "largest |measured − published|" in printed and "| PGD-10 AT | 8/255 | clean |" in printed

    def no_training(*args, **kwargs):
        raise AssertionError("a finished row was trained again")
    monkeypatch.setattr(at, "train", no_training)
    again = T.run_table("beta", "smoke", out=tmp_path, **SMOKE)
    assert [ln["measured"] for ln in again] == [ln["measured"] for ln in lines]


@pytest.mark.parametrize("name,index", [("elle", 11), ("awp", 3), ("mart", 5)])
def test_one_row_of_each_table_runs_with_its_own_method(tmp_path, one_thread, monkeypatch, name, index):
    built = []
    train = at.train

    def spy(cfg, **kwargs):
        built.append(kwargs.get("method"))
        return train(cfg, **kwargs)
    monkeypatch.setattr(at, "train", spy)
    lines = T.run_table(name, "smoke", out=tmp_path, rows=[index], **SMOKE)
    ran = [ln for ln in lines if ln["ran"]]
    assert len(ran) == len(T.TABLES[name].columns) and all(ln["index"] == index for ln in ran)
    assert all(math.isfinite(ln["measured"]) for ln in ran if ln["metric"] != "autoattack")
    if name == "elle":           # ELLE at 16/255: λ = 5000
        assert isinstance(built[0], ELLE) and built[0].lam == 5000 and built[0].eps == 16 / 255
    elif name == "awp":          # TRADES-AWP: γ = 5e-3 around TRADES
        assert isinstance(built[0].inner, TRADES) and built[0].gamma == 5e-3
    else:
        assert built == [None]   # the registry's builder


def test_cli_runs_a_table_and_needs_method_or_table(tmp_path, one_thread, capsys):
    at.main(["--table", "ddd", "--profile", "smoke", "--out", str(tmp_path), "--epochs", "1", "--quiet",
             "--device", "cpu"])
    rows = list(csv.DictReader(open(tmp_path / "table.csv")))
    assert [r["row"] for r in rows[::4]] == [r.label for r in T.TABLES["ddd"].rows]
    assert all(float(r["measured"]) >= 0 for r in rows)
    T.main(["--table", "elle", "--estimate"])
    assert "total" in capsys.readouterr().out
    with pytest.raises(SystemExit) as err:
        at.main(["--profile", "smoke"])
    assert err.value.code == 2 and "--method --table" in capsys.readouterr().err


def test_a_row_whose_method_is_not_registered_is_skipped_with_its_reason(tmp_path, monkeypatch, capsys):
    table = T.TABLES["ddd"]
    fake = T.Row("Not yet", "no_such_method", 8 / 255, published={"clean": 50.0})
    monkeypatch.setitem(T.TABLES, "ddd", T.dataclasses.replace(table, rows=(fake,)))
    lines = T.run_table("ddd", "smoke", out=tmp_path, device="cpu")
    assert all(not ln["ran"] and ln["measured"] is None for ln in lines)
    printed = capsys.readouterr().out
    assert "skip Not yet at 8/255: 'no_such_method' is not in course_lib.robust.METHODS" in printed
    md = (tmp_path / "table.md").read_text()
    assert "- Not run: Not yet at 8/255 ('no_such_method' is not in course_lib.robust.METHODS)" in md
    assert "| Not yet | 8/255 | clean | — | 50.00 | — |" in md
    with pytest.raises(SystemExit) as err:
        at.main(["--table", "ddd", "--method", "pgd", "--profile", "smoke"])
    assert err.value.code == 2 and "not allowed with argument --method" in capsys.readouterr().err


def test_a_started_row_resumes_from_its_checkpoint(tmp_path, one_thread, monkeypatch):
    T.run_table("ddd", "smoke", out=tmp_path, rows=[1], **SMOKE)
    log = tmp_path / T.TABLES["ddd"].rows[1].folder / "metrics.jsonl"
    kept = [line for line in log.read_text().splitlines() if '"final": true' not in line]
    log.write_text("\n".join(kept) + "\n")            # as if it had crashed before its final evaluation
    calls, train = [], at.train

    def spy(cfg, **kwargs):
        calls.append(kwargs["resume"])
        return train(cfg, **kwargs)
    monkeypatch.setattr(at, "train", spy)
    lines = T.run_table("ddd", "smoke", out=tmp_path, rows=[1], **SMOKE)
    assert calls == [True] and sum(ln["ran"] for ln in lines) == len(T.TABLES["ddd"].columns)
    assert sum(1 for r in read_jsonl(log) if r.get("final")) == 1


def test_readme_states_each_tables_estimated_gpu_time(one_thread):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name, table in T.TABLES.items():
        row = re.search(rf"^\| `{name}` \|.*\| ([\d.]+) h \|$", readme, re.M)
        assert row, f"README: no row for --table {name}"
        assert float(row.group(1)) == round(sum(T.estimate_seconds(table).values()) / 3600, 1), name
