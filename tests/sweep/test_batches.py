"""A model study runs its runs in batches through `model.run_batch`: any batch size gives the same result file
byte for byte, the workers really receive batches of the size asked for, a study interrupted inside a batch
resumes (with another batch size) to the uninterrupted study's results while running only the runs still
missing, and a bad batch size is refused in one line naming it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import model
from experiments.sweep import engine
from experiments.sweep.design import build_design, run_items, run_table
from experiments.sweep.engine import run_study
from experiments.sweep.spec import load_spec
from experiments.sweep.targets import run_chunk

from .conftest import BASELINE, interrupt_after_part, rows_on_disk, snapshot, write_spec

# A tiny country (every value differs from the registry default), so each run takes a few milliseconds.
TINY = {"n_districts": 1, "n_pilot_communities": 10, "n_outside_communities": 20, "project_exit_month": 8,
        "pilots_per_year": 30.0}
OUTPUTS = ["cost_total", "members_final", "awareness_final", "dropouts"]
RUNS = 4 * (2 + 2) * 2  # Sobol N (D + 2) x replicates


def tiny_study(folder: Path, batch_size: int | None = None, name: str = "tiny") -> Path:
    base = folder / "tiny_country.toml"
    base.write_text("[run]\nsteps = 18\nseed = 3\n[parameters]\n" + "".join(f"{k} = {v}\n" for k, v in TINY.items()),
                    encoding="utf-8")
    return write_spec(folder, f"""
        method = "sobol"
        base = "{base}"
        N = 4
        replicates = 2
        steps = 18
        seed = 3
        outputs = {OUTPUTS}
        {'' if batch_size is None else f'batch_size = {batch_size}'}
        [factors]
        guidance = {{}}
        mobilisation_order = {{ choices = ["top_down", "bottom_up", "core_group"] }}
    """, name)


class Recorder:
    """What a study hands to `model.run_batch` in this process (``calls``: each call's seeds) and the tasks
    it sends to the workers (``tasks``: each task's run ids)."""

    def __init__(self):
        self.calls: list[list[int]] = []
        self.tasks: list[list[int]] = []

    def run_ids(self) -> list[int]:
        return sorted(r for t in self.tasks for r in t)


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    """The spy steps a batch's runs in reverse order and hands them back in the order given, as a batched
    engine may: its contract is per run, so nothing downstream may notice."""
    rec = Recorder()
    real_batch, real_execute = model.run_batch, engine.execute

    def spy(runs, steps=120):
        runs = list(runs)
        rec.calls.append([seed for _, seed in runs])
        return list(reversed(real_batch(list(reversed(runs)), steps=steps)))

    def execute(backend, task, payloads, on_done):
        rec.tasks += [[rid for rid, _, _ in items] for items in payloads.values()]
        return real_execute(backend, task, payloads, on_done)

    monkeypatch.setattr(model, "run_batch", spy)
    monkeypatch.setattr(engine, "execute", execute)
    return rec


def test_a_worker_steps_its_task_as_batches_of_the_size_asked_with_each_run_as_alone(tmp_path, recorder):
    spec = load_spec(tiny_study(tmp_path))
    items = run_items(spec, run_table(spec, build_design(spec)))[:12]
    one_by_one = run_chunk(spec.target, spec.base_params, spec.steps, spec.outputs, 1, items)
    recorder.calls.clear()
    batched = run_chunk(spec.target, spec.base_params, spec.steps, spec.outputs, 5, items)
    assert [len(c) for c in recorder.calls] == [5, 5, 2]
    assert batched == one_by_one and [r["run_id"] for r in batched] == [rid for rid, _, _ in items]
    assert all(r["error"] == "" for r in batched)


def test_batch_sizes_1_5_and_the_default_give_the_same_results_and_the_workers_get_batches(tmp_path, recorder):
    spec = load_spec(tiny_study(tmp_path))
    assert spec.batch_size == model.DEFAULT_BATCH  # the default when the spec does not say
    files = {}
    for size in (1, 5, model.DEFAULT_BATCH):
        recorder.calls.clear(), recorder.tasks.clear()
        with pytest.MonkeyPatch.context() as m:
            m.setattr(engine, "PROBE_RUNS", 3)  # at most 3 runs here; the rest to the pool
            study = run_study(spec, tmp_path / f"b{size}", workers=2, progress=False, batch_size=size)
        files[size] = (tmp_path / f"b{size}/results.parquet").read_bytes()
        probed = min(3, size)  # here: the first run alone, then the rest of the probe as one batch
        assert [len(c) for c in recorder.calls] == [1] + ([probed - 1] if probed > 1 else [])
        here = sorted(study.runs.set_index("seed").loc[[s for c in recorder.calls for s in c], "run_id"])
        assert sorted(here + recorder.run_ids()) == list(range(RUNS))  # every run once, none twice
        pending = RUNS - probed
        cut = min(size, -(-pending // 2))  # the size asked, or smaller so that both workers get a batch
        expected = [min(cut, pending - start) for start in range(0, pending, cut)]
        assert [len(t) for t in recorder.tasks] == expected  # one task, one batch
        assert len(recorder.tasks) >= 2  # neither worker idle
    assert files[1] == files[5] == files[model.DEFAULT_BATCH]

    # ... and they are the runs themselves: row by row what `model.run_model` gives alone
    table = pd.read_parquet(tmp_path / "b5/results.parquet")
    for row in table.iloc[[0, 7, 30]].to_dict("records"):
        values = {"guidance": row["guidance"], "mobilisation_order": row["mobilisation_order"]}
        direct = model.run_model({**TINY, **values}, seed=int(row["seed"]), steps=18).summary
        assert all(row[o] == direct[o] for o in OUTPUTS), row


def test_a_study_interrupted_inside_a_batch_resumes_with_another_batch_size_to_the_same_results(tmp_path, recorder, monkeypatch):
    (tmp_path / "ref").mkdir()
    reference = tmp_path / "reference"
    run_study(load_spec(tiny_study(tmp_path / "ref")), reference, workers=1, progress=False, batch_size=1)

    spec_path = tiny_study(tmp_path, batch_size=6)
    out = tmp_path / "study"
    with monkeypatch.context() as m:
        m.setattr(engine, "PROBE_RUNS", 4)  # the first part: 4 runs, the start of the first batch of 6
        interrupt_after_part(m, 1)
        with pytest.raises(KeyboardInterrupt):
            run_study(load_spec(spec_path), out, workers=2, progress=False)
    assert rows_on_disk(out) == 4
    recorder.calls.clear(), recorder.tasks.clear()

    # The spec now asks for batches of 5: not a change of the study (no number depends on it), so it resumes.
    spec_path = tiny_study(tmp_path, batch_size=5)
    with monkeypatch.context() as m:
        m.setattr(engine, "PROBE_RUNS", 1)
        run_study(load_spec(spec_path), out, workers=2, progress=False)
    assert [len(c) for c in recorder.calls] == [1]  # the resume's first run, here
    assert recorder.run_ids() == list(range(5, RUNS))  # only the missing runs ran again
    assert [len(t) for t in recorder.tasks] == [5] * 5 + [2]
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()


@pytest.mark.parametrize("value, problem", [
    ("0", "batch_size: 0 is outside 1 to 1024 (runs handed to the model at once)"),
    ('"big"', "batch_size: expected a whole number of runs, got 'big'"),
    ("5000", "batch_size: 5000 is outside 1 to 1024 (runs handed to the model at once)"),
    ("true", "batch_size: expected a whole number of runs, got True"),
])
def test_a_bad_batch_size_in_the_spec_is_refused_in_one_line_naming_it(tmp_path, mus, value, problem):
    spec = tiny_study(tmp_path)
    spec.write_text(spec.read_text(encoding="utf-8").replace("seed = 3\n", f"seed = 3\nbatch_size = {value}\n", 1),
                    encoding="utf-8")
    rc, out, err = mus("sweep", spec, "--out", tmp_path / "study", "--no-progress")
    assert rc == 2 and err.strip().splitlines() == [f"mus-alliance sweep: error: {spec}: {problem}"]
    assert not (tmp_path / "study").exists()


@pytest.mark.parametrize("value", ["0", "-3", "x", "2000"])
def test_a_bad_batch_size_option_is_refused_in_one_line_naming_it(tmp_path, mus, value):
    spec = tiny_study(tmp_path)
    before = snapshot(tmp_path)
    rc, out, err = mus("sweep", spec, "--out", tmp_path / "study", "--batch-size", value)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "--batch-size" in err, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("runs, size, workers, expected", [
    (12, 16, 2, 6),     # fewer runs than two batches: both workers get one (was 16 + nothing)
    (33, 16, 2, 16),    # enough runs: the size asked
    (31, 16, 2, 16),    # 2 x 16 > 31 but half of it rounds up to 16
    (1, 16, 2, 1),
    (0, 16, 2, 1),      # never a batch of 0
    (12, 16, 1, 12),    # one worker: one batch
    (12, 4, 8, 2),      # more workers than batches of the size asked
])
def test_a_study_smaller_than_a_batch_per_worker_is_cut_so_that_every_worker_gets_one(runs, size, workers, expected):
    from experiments.batching import batch_for

    assert batch_for(runs, size, workers) == expected


def test_the_model_tasks_of_a_small_study_go_to_both_workers(tmp_path):
    spec = load_spec(tiny_study(tmp_path))
    assert engine.task_sizes(spec, 0.1, 12, 2, 16) == [6, 6]
    assert engine.task_sizes(spec, 0.1, 40, 2, 16) == [16, 16, 8]


def test_a_small_study_runs_here_only_this_process_share_and_the_rest_on_both_workers(tmp_path, recorder):
    spec = load_spec(tiny_study(tmp_path))
    run_study(spec, tmp_path / "s", workers=2, progress=False, batch_size=32)
    # 32 runs, 2 workers: this process probes its third, 11 runs (the first alone, then 10 as a batch), not
    # PROBE_RUNS (20) or a whole batch; the other 21 go to the workers as two batches
    assert [len(c) for c in recorder.calls] == [1, 10]
    assert [len(t) for t in recorder.tasks] == [11, 10]
