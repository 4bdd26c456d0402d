"""`flask match rank|evaluate|refit`, as the benchmark contract and operators use them."""

import json

import pytest

from empathy import create_app
from empathy.core import schema
from empathy.core.db import get_engine

CASE = {
    "case_id": "tiny",
    "employees": [
        {"id": "e-nurse", "skills": ["Nursing", "Elderly care"], "bio": "Registered nurse in a care home."},
        {"id": "e-builder", "skills": ["Bricklaying", "Site safety"], "bio": "Builds and repairs school buildings."},
        {"id": "e-accountant", "skills": ["Bookkeeping", "Audit"], "bio": "Keeps the books of charity funds."},
    ],
    "needs": [
        {"id": "n-care", "title": "Care visits", "description": "Visit elderly residents and check their health.",
         "skills": ["Nursing"]},
        {"id": "n-school", "title": "Rebuild a school", "description": "Repair the walls of a middle school.",
         "skills": ["Bricklaying"]},
    ],
    "relevant": {"n-care": ["e-nurse"], "n-school": ["e-builder"]},
    "graded": {"n-care": {"e-nurse": 2}, "n-school": {"e-builder": 2}},
    "relevant_needs": {"e-nurse": ["n-care"], "e-builder": ["n-school"]},
}


@pytest.fixture
def cases(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(CASE) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path):
    # No database at all: rank and evaluate must not need one.
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}", "SECRET_KEY": "k"})
    return app.test_cli_runner()


def test_rank_prints_one_json_line_per_need(cli, cases):
    result = cli.invoke(args=["match", "rank", str(cases)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query_id"] for r in rows] == ["n-care", "n-school"]
    assert all(r["case_id"] == "tiny" and len(r["ranked"]) == 3 for r in rows)  # min(k, pool size)
    assert rows[0]["ranked"][0] == "e-nurse"
    assert rows[1]["ranked"][0] == "e-builder"


def test_rank_by_employee_and_k(cli, cases):
    result = cli.invoke(args=["match", "rank", str(cases), "--direction", "employee", "--k", "1"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query_id"] for r in rows] == ["e-nurse", "e-builder", "e-accountant"]
    assert rows[0]["ranked"] == ["n-care"] and rows[1]["ranked"] == ["n-school"]


def test_rank_reads_causes_and_lets_them_break_ties_only(cli, tmp_path):
    twins = [{"id": f"e-{name}", "skills": ["Nursing"], "bio": "Registered nurse in a care home.", "causes": causes}
             for name, causes in (("a", ["education"]), ("b", ["health"]))]
    case = {**CASE, "employees": [*twins, *CASE["employees"][1:]],
            "needs": [{**CASE["needs"][0], "cause": "health"}, {**CASE["needs"][1], "cause": "health"}]}
    path = tmp_path / "causes.jsonl"
    path.write_text(json.dumps(case) + "\n", encoding="utf-8")
    rows = [json.loads(line) for line in cli.invoke(args=["match", "rank", str(path)]).stdout.splitlines()]
    assert rows[0]["ranked"][:2] == ["e-b", "e-a"]  # equal nurses: the one who shares the cause first
    assert rows[1]["ranked"][0] == "e-builder"  # but the cause lifts no nurse over the builder


def test_evaluate_reports_both_directions(cli, cases):
    result = cli.invoke(args=["match", "evaluate", str(cases), "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["need_to_employee"]["recall@10"] == 1.0
    assert report["need_to_employee"]["mrr"] == 1.0
    assert "ndcg@10" in report["need_to_employee"]
    assert report["employee_to_need"]["recall@10"] == 1.0
    assert report["n_employees"] == 3 and report["fit_seconds"] >= 0


def test_refit_stores_a_version_and_prints_it(tmp_path):
    models = tmp_path / "models"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "SECRET_KEY": "k",
                      "MATCH_MODEL_DIR": str(models)})
    runner = app.test_cli_runner()
    assert "not migrated" in runner.invoke(args=["match", "refit"]).output
    schema.upgrade(app)
    result = runner.invoke(args=["match", "refit"])
    assert result.exit_code == 0, result.output
    assert "Fitted on 0 employees" in result.output and "stored as version 1" in result.output
    assert len(list(models.glob("match-model-v*.joblib"))) == 1
    result = runner.invoke(args=["match", "refit"])
    assert "stored as version 2" in result.output
    get_engine(app).dispose()
