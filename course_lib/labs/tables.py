"""Lab 1's table recipes: each CIFAR-10 table of the slides as one command, measured beside the papers.

    python -m course_lib.labs.at --table elle --profile full --data data      # → runs/lab1/table-elle-full/
    python -m course_lib.labs.tables --table beta --estimate                  # GPU time only, no training
    python -m course_lib.labs.tables --table ddd --profile smoke --out /tmp/ddd   # CPU, fake data, seconds

A :class:`Table` lists its rows (a registry method, ε, recipe overrides), its columns (metrics of lab 1's
final record: clean, FGSM, PGD-50-10, BETA, AutoAttack, the best epoch's PGD-20, training time) and the
published values with their source. :func:`run_table` trains each row with :func:`course_lib.labs.at.train`
in its own sub-folder of ``out`` (a row whose final record is logged is read, not rerun; a row with a
checkpoint resumes), then writes ``table.csv`` and ``table.md`` (measured | published | difference, in
percentage points) and prints the differences. :func:`estimate_seconds` prices a table in GPU time from
the forward passes of each row's training step (counted, :class:`~course_lib.models.ForwardCounter`).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from course_lib import _validate
from course_lib.labs import at, cli, logs
from course_lib.labs import checkpoints as ck
from course_lib.labs import device as dv
from course_lib.references import cite
from course_lib.robust.base import Method
from course_lib.robust.registry import METHODS as REGISTRY

# Settings the smoke profile cuts (make_config's smoke values win over a row's full-recipe overrides).
SMOKE_CUT = ("epochs", "batch_size", "width", "arch", "max_batches", "eval_size", "eval_steps",
             "eval_restarts", "final_steps", "final_restarts", "beta_size", "attack_steps", "m")
# GPU time model (an estimate, to be measured): seconds for one forward-backward pass over the 50 000
# training images with PreActResNet-18 under bf16 on one modern GPU. The README's estimates, FGSM-RS 15
# epochs (2 passes per image) in 1–2 min and PGD-10 110 epochs (11 passes) in about 40 min, give 2–4 s.
PASS_EPOCH_S = 2.5
DOUBLE_BACKWARD_FACTOR = 2.0   # GradAlign ≈ 10 min vs N-FGSM 3–5 min for the same passes (README)
N_TRAIN, N_TEST = 50_000, 10_000


@dataclass(frozen=True)
class Column:
    """A metric of lab 1's final record (in %) and what it is on each side of the comparison."""

    metric: str          # key of the final record: clean, fgsm, pgd, beta, autoattack, best_pgd, train_time
    label: str
    ours: str            # the lab's measurement
    published: str       # the paper's column it is compared with


@dataclass(frozen=True)
class Row:
    """One trained model: a registry method at radius ``eps`` with recipe ``overrides`` (ATConfig fields);
    ``build`` replaces the registry's builder where a row needs a setting it does not expose."""

    label: str
    method: str
    eps: float = 8 / 255
    overrides: dict[str, Any] = field(default_factory=dict)
    published: dict[str, float] = field(default_factory=dict)      # metric → value in %
    std: dict[str, float] = field(default_factory=dict)            # metric → published ± (in %)
    source: str = ""                                               # bib key when not the table's
    build: Callable[[at.ATConfig], Method] | None = None
    note: str = ""

    @property
    def folder(self) -> str:
        return f"{re.sub(r'[^a-z0-9]+', '_', self.label.lower()).strip('_')}-eps{round(self.eps * 255)}"


@dataclass(frozen=True)
class Table:
    """A slide table: its rows and columns, the published setting and its source (bib keys)."""

    name: str
    title: str
    sources: tuple[str, ...]
    published_setting: str
    course_setting: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


def _elle(lam: float) -> Callable[[at.ATConfig], Method]:
    def build(cfg: at.ATConfig) -> Method:
        return REGISTRY["elle"].method_class(cfg.eps, lam=lam)
    return build


def _with_awp(gamma: float) -> Callable[[at.ATConfig], Method]:
    def build(cfg: at.ATConfig) -> Method:
        return REGISTRY["awp"].method_class(at.make_method(cfg), gamma=gamma)
    return build


CLEAN = Column("clean", "clean", "last epoch, whole test set", "clean")
AA = Column("autoattack", "AutoAttack", "standard AutoAttack, 1000 test images", "AutoAttack")
FAST = dict(epochs=30, schedule="cyclic", lr=0.2)
AWP_RECIPE = dict(at.FAMILY_RECIPES["weight"])


def _elle_rows() -> tuple[Row, ...]:
    pub = {  # (AutoAttack, ±, clean, ±) at 8/255 and 16/255
        ("LLR", "llr"): ((42.18, .20, 75.02, .09), (16.92, .20, 42.81, 9.62)),
        ("CURE", "cure"): ((43.60, .17, 77.74, .11), (18.25, .45, 52.49, .04)),
        ("GradAlign", "gradalign"): ((44.66, .21, 80.50, .07), (17.46, 1.71, 44.35, 15.32)),
        ("ELLE", "elle"): ((42.78, .95, 80.13, .32), (18.28, .17, 59.73, .16)),
        ("ELLE-A", "elle_a"): ((44.32, .04, 79.81, .10), (18.03, .15, 59.21, 1.23)),
        ("PGD-10 AT", "pgd"): ((46.95, .11, 79.11, .08), (24.77, .26, 59.64, .46)),
    }
    rows = [Row("FGSM-RS", "fgsm_rs", 8 / 255, {}, {"autoattack": 43.21, "clean": 83.34},
                source="croce2021robustbench", note="its recipe: 15 epochs, as Wong et al. (2020)"),
            Row("FGSM-RS", "fgsm_rs", 16 / 255, {}, note="15 epochs"),
            Row("N-FGSM", "n_fgsm", 8 / 255, dict(FAST)), Row("N-FGSM", "n_fgsm", 16 / 255, dict(FAST))]
    for (label, key), values in pub.items():
        for eps, (aa, aa_sd, cl, cl_sd) in zip((8 / 255, 16 / 255), values):
            build = _elle(5000.0) if key == "elle" and eps > 8 / 255 else None
            rows.append(Row(label, key, eps, dict(FAST), {"autoattack": aa, "clean": cl},
                            {"autoattack": aa_sd, "clean": cl_sd}, build=build,
                            note="λ = 5000, LIONS-EPFL/ELLE's value for 10–20/255" if build else ""))
    return tuple(rows)


def _awp_rows(awp: bool) -> tuple[Row, ...]:
    pub = {  # Wu et al. (2020) Table 2: natural, FGSM, PGD-20, AA; without AWP, then with
        ("AT", "pgd"): ((86.07, 61.76, 56.10, 52.60), (85.57, 62.90, 58.14, 54.04)),
        ("TRADES", "trades"): ((84.65, 61.32, 56.33, 53.18), (85.36, 63.49, 59.27, 56.17)),
        ("MART", "mart"): ((84.17, 61.61, 58.56, 51.10), (84.43, 63.98, 60.68, 54.23)),
    }
    rows = []
    for (label, key), (plain, with_awp) in pub.items():
        for on, values in ((False, plain), (True, with_awp)) if awp else ((False, plain),):
            gamma = 5e-3 if key == "trades" else 0.01        # AWP's γ: 5e-3 for TRADES-AWP (csdongxian/AWP)
            rows.append(Row(f"{label}-AWP" if on else label, key, 8 / 255, dict(AWP_RECIPE) if awp else {},
                            dict(zip(("clean", "fgsm", "pgd", "autoattack"), values)),
                            build=_with_awp(gamma) if on else None, note=f"γ = {gamma:g}" if on else ""))
    return tuple(rows)


def _mart_rows() -> tuple[Row, ...]:
    """The loss table's rows in its order; ALP, CLP and MMA have no published numbers on the slides."""
    same = dict(at.BAG_OF_TRICKS)       # CLP (no attack) too: every row trains with one recipe
    at_, trades, mart = (dataclasses.replace(r, overrides=same) for r in _awp_rows(awp=False))
    return (at_, Row("ALP", "alp", overrides=same), Row("CLP", "clp", overrides=same), trades,
            Row("MMA", "mma", overrides=same), mart)


AWP_COLUMNS = (CLEAN, Column("fgsm", "FGSM", "FGSM, whole test set", "FGSM"),
               Column("pgd", "PGD", "PGD-50-10, whole test set (stronger than PGD-20)", "PGD-20"), AA)
BETA_PUB = {  # the talk's BETA table, last checkpoint, except PGD-10 at the best one
    ("PGD-10 AT", "pgd"): (83.21, 47.39, 46.74, 39.45, 40.21, 42.62),
    ("TRADES-10", "trades"): (81.42, 51.31, 47.85, 42.92, 40.97, 41.33),
    ("MART-10", "mart"): (77.20, 53.73, 49.08, 41.55, 41.22, 42.90),
    ("BETA-AT-10", "beta"): (85.30, 51.11, 45.67, 45.00, 44.36, 44.12),
}
BETA_COLUMNS = (CLEAN, Column("fgsm", "FGSM", "FGSM, whole test set", "FGSM, last"),
                Column("best_pgd", "PGD (best)", "PGD-20 on 1000 test images, best epoch", "PGD-10, best"),
                Column("pgd", "PGD (last)", "PGD-50-10, whole test set, last epoch", "PGD-40, last"),
                Column("beta", "BETA", "BETA-50 on 1000 test images, last epoch", "BETA-10, last"),
                Column("autoattack", "AutoAttack", "standard AutoAttack, 1000 test images, last epoch",
                       "APGD, last (AutoAttack includes APGD: expect ours ≤ theirs)"))
DDI_NET = dict(at.RECIPES["ddi"])

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("elle", "The ELLE way: catastrophic overfitting fixes at ε = 8/255 and 16/255",
          ("cevher2024nonzero_talk", "abadrocamora2024elle", "code_elle"),
          "PreActResNet-18, CIFAR-10, 30 epochs, cyclic LR 0 → 0.2 → 0 (LIONS-EPFL/ELLE); mean ± std over "
          "seeds",
          "PreActResNet-18, 30 epochs, cyclic LR 0.2 for every row but FGSM-RS (its 15-epoch recipe)",
          (AA, Column("clean", "clean", "last epoch, whole test set", "clean")), _elle_rows(),
          ("FGSM-RS at 8/255: Wong et al. (2020), 15 epochs, re-evaluated by Croce et al. (2021); N-FGSM and "
           "FGSM-RS at 16/255 are not in the slide's table (de Jorge et al. (2022) train N-FGSM up to "
           "16/255)",
           "GradAlign at 16/255 keeps λ = 0.2 (its paper raises λ with ε); LLR and CURE use the registry's "
           "defaults")),
    Table("beta", "BETA-AT vs PGD-AT, TRADES and MART: robust overfitting (best vs last)",
          ("cevher2024nonzero_talk", "robey2024nonzero"),
          "CIFAR-10, ε = 8/255, 10 attack steps, α = 2/255; architecture and epochs are not on the slide",
          "PreActResNet-18, lab 1's multi-step recipe (110 epochs, LR 0.1, ÷10 at 100 and 105)",
          BETA_COLUMNS,
          tuple(Row(label, key, 8 / 255, {}, dict(zip([c.metric for c in BETA_COLUMNS], v)))
                for (label, key), v in BETA_PUB.items()),
          ("the slide's APGD column is APGD alone; ours is the whole standard AutoAttack",)),
    Table("awp", "AT, TRADES and MART, each ± AWP", ("wang2021rethinking_talk", "wu2020awp", "code_awp"),
          "WideResNet-34-10 (csdongxian/AWP), CIFAR-10, ε = 8/255, 200 epochs; std over 5 runs < 0.40",
          "PreActResNet-18 (add --arch wrn34_10 for the paper's net), 200 epochs, LR 0.1 ÷10 at 100 and 150",
          AWP_COLUMNS, _awp_rows(awp=True),
          ("TRADES-AWP: γ = 5e-3 without the paper's 10-epoch warm-up",)),
    Table("mart", "The MART loss table: Standard (PGD-AT), ALP, CLP, TRADES, MMA and MART trained alike",
          ("wang2021rethinking_talk", "wang2020mart", "wu2020awp"),
          "published numbers: Wu et al. (2020) Table 2 without AWP (WideResNet-34-10, 200 epochs), as shown "
          "in the guest lecture; the loss table itself has no numbers (none for ALP, CLP, MMA)",
          "PreActResNet-18, lab 1's multi-step recipe (110 epochs, LR 0.1, ÷10 at 100 and 105)",
          AWP_COLUMNS, _mart_rows()),
    Table("ddd", "DDi vs PGD-AT on CIFAR-10, and the ablation (ReLU, BatchNorm, momentum)",
          ("latorre2023ddd",),
          "ResNet-18, the Bag-of-tricks setting (Pang et al. 2021) with CELU, GroupNorm, no momentum, "
          "m = 10, PGD-7 (α = 2/255) for training and validation; the results are figures (no numbers to "
          "compare)",
          "PreActResNet-18 (CELU, GroupNorm, no momentum: lab 1's ddi recipe, 30 epochs), PGD-7",
          (CLEAN, Column("best_pgd", "PGD (best)", "PGD-20 on 1000 test images, best epoch", "—"),
           Column("pgd", "PGD (last)", "PGD-50-10, whole test set, last epoch", "—"),
           Column("train_time", "train time (s)", "sum of the epochs' training time", "—")),
          (Row("DDi", "ddi", 8 / 255, dict(DDI_NET, attack_steps=7)),
           Row("PGD-7 AT", "pgd", 8 / 255, dict(DDI_NET, attack_steps=7)),
           Row("PGD-7 AT (ReLU, BN, momentum 0.9)", "pgd", 8 / 255,
               dict(DDI_NET, attack_steps=7, activation="relu", norm="bn", momentum=0.9))),
          ("published claims: DDi raises robust accuracy faster early in training of smooth networks without "
           "BatchNorm and is more stable than PGD-AT; with ReLU, BatchNorm and early stopping PGD-AT is "
           "better; DDi costs about 10–12× PGD-AT in wall-clock time (Latorre et al. 2023)",)),
)}


def row_config(table: Table, row: Row, profile: str, **overrides: Any) -> at.ATConfig:
    """The row's :class:`~course_lib.labs.at.ATConfig`: its method's recipe, the row's overrides (in the
    smoke profile without those the smoke profile cuts), then ``overrides`` (every row)."""
    own = {k: v for k, v in row.overrides.items() if profile == "full" or k not in SMOKE_CUT}
    return at.make_config(row.method, profile, **{**own, "eps": row.eps, **overrides})


def available(row: Row) -> bool:
    """Whether the row's method is registered and runs on a CIFAR-10 net."""
    return row.method in at.METHODS


def _final_record(folder: Path) -> dict[str, Any] | None:
    records = logs.read_jsonl(folder / "metrics.jsonl")
    final = next((r for r in reversed(records) if r.get("final")), None)
    if final is not None:
        final = dict(final, train_time=sum(r.get("train_time", 0.0) for r in records if "lr" in r))
    return final


def run_row(row: Row, cfg: at.ATConfig, out: Path, **train_kwargs: Any) -> dict[str, Any]:
    """The row's final record: read from ``out/<row folder>`` when logged there, else trained (resumed
    when the folder holds a checkpoint of the same settings)."""
    folder = out / row.folder
    final = _final_record(folder)
    if final is not None:
        log = logs.read_jsonl(folder / "metrics.jsonl")
        start = next((r for r in log if r.get("event") == "start"), None)
        if start is not None:
            ck.check_same_run(start["config"], cfg, where=folder)
        return final
    method = row.build(cfg) if row.build is not None else None
    at.train(cfg, out=folder, resume=(folder / ck.CHECKPOINT_LAST).exists(), method=method, **train_kwargs)
    return _final_record(folder) or {}


def _pct(final: dict[str, Any], metric: str) -> float | None:
    value = final.get(metric)
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if metric == "train_time" else 100.0 * float(value)


def _fmt(value: float | None, digits: int = 2, sign: bool = False) -> str:
    return "—" if value is None else f"{value:{'+' if sign else ''}.{digits}f}"


def compare(table: Table, finals: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per (row, column): measured, published (± std), measured − published (points)."""
    lines = []
    for i, row in enumerate(table.rows):
        for col in table.columns:
            measured = _pct(finals[i], col.metric) if i in finals else None
            published = row.published.get(col.metric)
            diff = None if measured is None or published is None else measured - published
            lines.append({"table": table.name, "index": i, "row": row.label, "method": row.method,
                          "eps": f"{round(row.eps * 255)}/255", "metric": col.metric, "measured": measured,
                          "published": published, "published_std": row.std.get(col.metric),
                          "difference": diff, "ran": i in finals})
    return lines


def markdown(table: Table, lines: list[dict[str, Any]], profile: str, skipped: dict[int, str]) -> str:
    """``table.md``: title, sources, both settings, then measured | published | difference per metric."""
    cols = {c.metric: c for c in table.columns}
    sources = "; ".join(cite(k) for k in table.sources)
    own = sorted({r.source for r in table.rows if r.source})
    out = [f"# {table.title}", "", f"Profile: **{profile}**" + (" (fake data: the numbers mean nothing)"
                                                                if profile == "smoke" else ""), "",
           f"- Published: {sources}" + (f"; rows marked * from {', '.join(map(cite, own))}" if own else ""),
           f"- Published setting: {table.published_setting}", f"- Course recipe: {table.course_setting}",
           *[f"- Column {c.label}: ours = {c.ours}; published = {c.published}" for c in table.columns],
           *[f"- Note: {n}" for n in table.notes],
           *[f"- Not run: {table.rows[i].label} at {round(table.rows[i].eps * 255)}/255 ({why})"
             for i, why in sorted(skipped.items())], "",
           "| row | ε | metric | measured | published | difference |", "|---|---|---|---|---|---|"]
    for line in lines:
        row = table.rows[line["index"]]
        std = line["published_std"]
        pub = _fmt(line["published"]) + (f" ± {std:.2f}" if std else "")
        out.append(f"| {row.label}{'*' if row.source else ''}{' (' + row.note + ')' if row.note else ''} | "
                   f"{line['eps']} | "
                   f"{cols[line['metric']].label} | {_fmt(line['measured'])} | {pub} | "
                   f"{_fmt(line['difference'], sign=True)} |")
    return "\n".join(out) + "\n"


def write_table(table: Table, lines: list[dict[str, Any]], out: Path, profile: str,
                skipped: dict[int, str]) -> tuple[Path, Path]:
    """Write ``out/table.csv`` and ``out/table.md``."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "table.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[k for k in lines[0] if k != "ran"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else round(v, 4) if isinstance(v, float) else v)
                          for k, v in ln.items()} for ln in lines)
    (out / "table.md").write_text(markdown(table, lines, profile, skipped))
    return out / "table.csv", out / "table.md"


_PASSES: dict[tuple, float] = {}


def passes_per_image(cfg: at.ATConfig, row: Row) -> float:
    """Forward passes per training image in one step of the row's method (counted on a width-4 net)."""
    from course_lib.models import ForwardCounter
    from course_lib.seeding import seed_everything

    tiny = dataclasses.replace(cfg, arch="preact18", width=4)
    method = row.build(tiny) if row.build is not None else at.make_method(tiny)
    inner = getattr(method, "inner", None)
    key = (cfg.method, cfg.attack_steps, cfg.m, type(method).__name__, type(inner).__name__)
    if key not in _PASSES:          # the count depends on the algorithm and its steps, not on ε, λ, γ
        seed_everything(0)
        model = at.make_model(tiny)
        x, y = torch.rand(2, 3, 32, 32), torch.tensor([0, 1])
        with ForwardCounter(model) as count:
            method.step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.0))
        _PASSES[key] = count.examples / len(y)
    return _PASSES[key]


def _relative_cost(cfg: at.ATConfig) -> float:
    """Multiply-accumulates of the row's net relative to PreActResNet-18 (width 64), counted by hooks."""
    if cfg.arch == "preact18" and cfg.width == 64:
        return 1.0

    def macs(model: torch.nn.Module) -> int:
        total = [0]

        def hook(m, inp, out):
            total[0] += m.weight.numel() * (out[0, 0].numel() if isinstance(m, torch.nn.Conv2d) else 1)
        handles = [m.register_forward_hook(hook) for m in model.modules()
                   if isinstance(m, torch.nn.Conv2d | torch.nn.Linear)]
        with torch.no_grad():
            model.eval()(torch.rand(1, 3, 32, 32))
        for h in handles:
            h.remove()
        return total[0]
    return macs(at.make_model(cfg)) / macs(at.make_model(dataclasses.replace(cfg, arch="preact18", width=64)))


def estimate_seconds(table: Table, **overrides: Any) -> dict[int, float]:
    """Estimated GPU seconds per available row in the full profile (training + per-epoch and final
    evaluation, without AutoAttack): passes × :data:`PASS_EPOCH_S` × the net's relative cost."""
    est = {}
    for i, row in enumerate(table.rows):
        if not available(row):
            continue
        cfg = row_config(table, row, "full", **overrides)
        train = cfg.epochs * passes_per_image(cfg, row)
        if REGISTRY[cfg.method].double_backward:
            train *= DOUBLE_BACKWARD_FACTOR
        per_epoch_eval = (N_TEST / 3 + cfg.eval_size * (3 + cfg.eval_steps * cfg.eval_restarts)) / N_TRAIN
        final = (N_TEST * (3 + cfg.final_steps * cfg.final_restarts)
                 + cfg.beta_size * 10 * cfg.final_steps) / N_TRAIN
        est[i] = (train + cfg.epochs * per_epoch_eval + final) * PASS_EPOCH_S * _relative_cost(cfg)
    return est


def _hours(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def run_table(name: str, profile: str | None = None, *, out: str | Path | None = None,
              rows: Sequence[int] | None = None, quiet: bool = False, data: str | None = None,
              config: dict[str, Any] | None = None, **train_kwargs: Any) -> list[dict[str, Any]]:
    """Run table ``name`` (rows ``rows``, default all) in ``profile``: train or read each row, write
    ``out/table.csv`` and ``out/table.md``, print the differences; ``config`` overrides every row's
    ATConfig (e.g. ``arch``, ``epochs``), ``train_kwargs`` go to :func:`~course_lib.labs.at.train`."""
    table = TABLES[str(_validate.one_of("table", name, tuple(TABLES)))]
    profile = dv.resolve_profile(profile)
    chosen = range(len(table.rows)) if rows is None else [int(_validate.integer("rows", i, lo=0,
                                                                                hi=len(table.rows) - 1))
                                                           for i in rows]
    out = Path(out or f"runs/lab1/table-{name}-{profile}")
    config = {k: v for k, v in (config or {}).items() if v is not None}
    main_rank = not (torch.distributed.is_available() and torch.distributed.is_initialized()
                     and torch.distributed.get_rank() != 0)      # under torchrun, rank 0 writes the table
    say = print if main_rank and not quiet else (lambda *a: None)
    if main_rank and not quiet:
        total = sum(estimate_seconds(table, **config).values())
        say(f"table {name}: {len(table.rows)} rows; estimated full-profile GPU time {_hours(total)} on one "
            f"GPU (estimate: {PASS_EPOCH_S} s per pass over the training set, AutoAttack not included)")
    finals, skipped = {}, {}
    for i in chosen:
        row = table.rows[i]
        if not available(row):
            skipped[i] = f"'{row.method}' is not in course_lib.robust.METHODS"
            say(f"skip {row.label} at {round(row.eps * 255)}/255: {skipped[i]}")
            continue
        cfg = row_config(table, row, profile, **config)
        say(f"row {i}: {row.label} at ε = {round(row.eps * 255)}/255 → {out / row.folder}")
        finals[i] = run_row(row, cfg, out, data=data, progress=not quiet, **train_kwargs)
    lines = compare(table, finals)
    if not main_rank:
        return lines
    csv_path, md_path = write_table(table, lines, out, profile, skipped)
    say(markdown(table, [ln for ln in lines if ln["ran"]], profile, skipped))
    diffs = [abs(ln["difference"]) for ln in lines if ln["difference"] is not None]
    say(f"largest |measured − published|: {_fmt(max(diffs) if diffs else None)} points over {len(diffs)} "
        f"comparisons; written {csv_path} and {md_path}")
    return lines


def build_parser() -> argparse.ArgumentParser:
    p = cli.Parser(prog="python -m course_lib.labs.tables", description=__doc__.split("\n\n")[0])
    p.add_argument("--table", required=True, choices=tuple(TABLES))
    p.add_argument("--profile", choices=dv.PROFILES, default=None)
    p.add_argument("--out", default=None, help="default runs/lab1/table-<table>-<profile>")
    p.add_argument("--data", default=None, help="folder holding cifar-10-batches-py (full profile)")
    p.add_argument("--rows", type=int, nargs="+", default=None, help="row indices (default: all)")
    p.add_argument("--arch", choices=at.ARCHS, default=None, help="every row's net (default: the recipe's)")
    p.add_argument("--device", default="auto")
    p.add_argument("--estimate", action="store_true", help="print each row's estimated GPU time and stop")
    p.add_argument("--quiet", action="store_true")
    return p


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """``python -m course_lib.labs.tables``: run a table, or (``--estimate``) price it."""
    parser = build_parser()
    a = parser.parse_args(argv)
    profile = dv.resolve_profile(a.profile)
    if profile == "smoke":
        torch.set_num_threads(1)
    with cli.cli_errors(parser):
        if a.estimate:
            table = TABLES[a.table]
            est = estimate_seconds(table, **({"arch": a.arch} if a.arch else {}))
            for i, s in est.items():
                row = table.rows[i]
                print(f"{i:2d} {row.label:34s} {round(row.eps * 255):2d}/255  {_hours(s)}")
            print(f"total {_hours(sum(est.values()))} (estimate; AutoAttack not included)")
            return []
        return run_table(a.table, profile, out=a.out, rows=a.rows, quiet=a.quiet, data=a.data,
                         config={"arch": a.arch}, device=a.device)


if __name__ == "__main__":
    main(sys.argv[1:])
