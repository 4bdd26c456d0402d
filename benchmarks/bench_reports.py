"""Time the impact reports on a large database (not run as a test).

Usage (from the repository root):

    python benchmarks/bench_reports.py --db sqlite --employees 100000 --hours 1000000
    python benchmarks/bench_reports.py --db postgres --employees 100000 --hours 1000000

SQLite builds a scratch file (default /tmp/empathy_bench.sqlite); PostgreSQL drops and creates
the scratch database `empathy_bench` on 127.0.0.1 (trust auth, user postgres). The data are
deterministic (--seed). Rows go in through executemany (SQLite) or COPY (PostgreSQL), so a
build takes about a minute. `--reuse` times an existing database again; `--no-index` leaves
out the two reporting indexes recommended in benchmarks/RESULTS_reports.md.

It times, several times each, and prints medians: the full dashboard service call for this
calendar year and for every row, the skill-gap service, and rendered GETs of /reports and
/reports/skills through the Flask test client, signed in as a coordinator.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import empathy.models  # noqa: E402,F401
from empathy.data import load_causes, load_skills  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/empathy_bench"
# The indexes the lead is asked to add by migration (see RESULTS_reports.md).
REPORT_INDEXES = (
    "CREATE INDEX ix_hours_records_approved_report ON hours_records "
    "(worked_on, need_id, user_id, department, hours) WHERE status = 'approved'",
    "CREATE INDEX ix_hours_records_approved_department ON hours_records "
    "(department, worked_on, hours) WHERE status = 'approved'",
)
PASSWORD = "bench-coordinator-password"
DEPARTMENTS = [f"Department {i:02d}" for i in range(60)]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--employees", type=int, default=100_000)
    p.add_argument("--hours", type=int, default=1_000_000)
    p.add_argument("--needs", type=int, default=20_000)
    p.add_argument("--orgs", type=int, default=400, help="beneficiary organisations")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=20240101)
    p.add_argument("--sqlite-path", default="/tmp/empathy_bench.sqlite")
    p.add_argument("--reuse", action="store_true", help="time the existing database, do not rebuild")
    p.add_argument("--no-index", action="store_true", help="leave out the recommended reporting index")
    return p.parse_args()


def ts(value: datetime, sqlite: bool):
    # SQLAlchemy's own SQLite format, so that string comparisons with bound values hold.
    return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value


def generate(args, sqlite: bool):
    """Yield (table, columns, rows) in foreign-key order; every value is deterministic."""
    rnd = random.Random(args.seed)
    today = date.today()
    first_day = date(today.year - 1, 1, 1)
    span = (date(today.year, 12, 31) - first_day).days + 1
    now = ts(datetime(today.year, 1, 1, tzinfo=UTC), sqlite)
    skills = load_skills()
    skill_cols = ["id", "name", "category", "label_en", "label_zh", "synonyms", "needs_review", "created_at",
                  "updated_at"]
    yield "skills", skill_cols, [
        (i + 1, s["name"], s.get("category", "other"), s.get("label_en") or s["name"], s.get("label_zh", ""), "[]",
         False, now, now)
        for i, s in enumerate(skills)
    ]
    n_skills = len(skills)
    dept_of = [rnd.choice(DEPARTMENTS) for _ in range(args.employees + 1)]
    yield "users", ["id", "email", "display_name", "role", "password_hash", "active", "created_at", "updated_at"], [
        (i, f"e{i}@bench.example", f"Employee {i}", "employee", None, rnd.random() > 0.05, now, now)
        for i in range(1, args.employees + 1)
    ]
    profile_cols = ["id", "user_id", "department", "bio", "hours_per_month", "available_weekdays", "available_weekends",
                    "available_evenings", "remote_ok", "is_suggestible", "languages", "causes", "created_at",
                    "updated_at"]
    yield "employee_profiles", profile_cols, [
        (i, i, dept_of[i], "", 8, True, True, False, True, True, "[]", "[]", now, now)
        for i in range(1, args.employees + 1)
    ]
    es_rows, es_id = [], 0
    for i in range(1, args.employees + 1):
        for skill in rnd.sample(range(1, n_skills + 1), 4):
            es_id += 1
            es_rows.append((es_id, i, skill, rnd.randint(1, 4)))
    yield "employee_skills", ["id", "profile_id", "skill_id", "level"], es_rows
    causes = [c["code"] for c in load_causes()]
    orgs = [f"Organisation {i:03d}" for i in range(args.orgs)]
    need_rows, ns_rows, ns_id = [], [], 0
    for i in range(1, args.needs + 1):
        start = (datetime.combine(first_day + timedelta(days=rnd.randrange(span)), datetime.min.time(), UTC)
                 + timedelta(hours=1))
        seats = rnd.randint(1, 20)
        status = rnd.choice(("open", "open", "filled", "closed", "completed", "completed", "cancelled"))
        need_rows.append((i, f"Need {i}", "", rnd.choice(causes), rnd.choice(orgs), False, ts(start, sqlite),
                          ts(start + timedelta(hours=4), sqlite), seats, 4.0, False, status, rnd.randint(0, seats),
                          "[]", now, now))
        for skill in rnd.sample(range(1, n_skills + 1), rnd.randint(1, 3)):
            ns_id += 1
            ns_rows.append((ns_id, i, skill, rnd.choice(("must", "nice")), rnd.randint(1, 4)))
    yield "needs", ["id", "title", "description", "cause", "beneficiary", "is_remote", "starts_at", "ends_at", "seats",
                    "hours_per_volunteer", "requires_approval", "status", "seats_taken", "languages", "created_at",
                    "updated_at"], need_rows
    yield "need_skills", ["id", "need_id", "skill_id", "importance", "min_level"], ns_rows
    hours_rows = []
    for i in range(1, args.hours + 1):
        user = rnd.randint(1, args.employees)
        roll = rnd.random()
        status = "approved" if roll < 0.85 else "pending" if roll < 0.95 else "rejected"
        hours_rows.append((i, rnd.randint(1, args.needs), None if roll > 0.995 else user,
                           rnd.choice((1, 1.5, 2, 3, 4, 6, 8)),
                           (first_day + timedelta(days=rnd.randrange(span))).isoformat(), "", dept_of[user], status,
                           "Duplicate" if status == "rejected" else None, now, now))
    yield "hours_records", ["id", "need_id", "user_id", "hours", "worked_on", "note", "department", "status",
                            "rejection_reason", "created_at", "updated_at"], hours_rows


def build(args, url: str) -> None:
    sqlite = url.startswith("sqlite")
    if sqlite:
        Path(args.sqlite_path).unlink(missing_ok=True)
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS empathy_bench")
            conn.exec_driver_sql("CREATE DATABASE empathy_bench")
        admin.dispose()
    engine = sa.create_engine(url)
    SQLModel.metadata.create_all(engine)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if sqlite:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=OFF")
        for table, cols, rows in generate(args, sqlite):
            if sqlite:
                marks = ", ".join("?" for _ in cols)
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
            else:
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            print(f"  {table}: {len(rows):,} rows", flush=True)
        if not args.no_index:
            for statement in REPORT_INDEXES:
                cur.execute(statement)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if sqlite else "VACUUM ANALYZE")
    engine.dispose()
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def median_time(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm caches, as a running server would have them
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def measure(args, url: str) -> None:
    from empathy import create_app
    from empathy.accounts.services import auth
    from empathy.core.db import get_engine
    from empathy.reports.common import DateRange
    from empathy.reports.gaps import skill_gaps
    from empathy.reports.services import build_dashboard

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine = get_engine(app)
    with Session(engine, expire_on_commit=False) as session:
        if session.execute(sa.text("SELECT 1 FROM users WHERE email = 'coordinator@bench.example'")).first() is None:
            auth.create_user(session=session, email="coordinator@bench.example", display_name="Coordinator",
                             password=PASSWORD, role="coordinator")
        count = session.execute(sa.text("SELECT COUNT(*) FROM hours_records")).scalar()
        users = session.execute(sa.text("SELECT COUNT(*) FROM users")).scalar()
    print(f"database: {engine.dialect.name}, {users:,} users, {count:,} hours records")
    year = date.today().year
    this_year = DateRange(date(year, 1, 1), date(year, 12, 31))
    everything = DateRange(date(year - 1, 1, 1), date(year, 12, 31))

    def dashboard(r):
        with Session(engine) as session:
            return build_dashboard(session=session, range=r, lang="en")

    def gaps():
        with Session(engine) as session:
            return skill_gaps(session=session, lang="en")

    client = app.test_client()
    assert client.post("/login", data={"email": "coordinator@bench.example", "password": PASSWORD}).status_code == 302

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    results = [
        ("dashboard service, this calendar year", lambda: dashboard(this_year)),
        ("dashboard service, two years (every row)", lambda: dashboard(everything)),
        ("skill-gap service", gaps),
        ("GET /reports (rendered, this year)", lambda: get("/reports")),
        (f"GET /reports?from={year - 1}-01-01 (every row)", lambda: get(f"/reports?from={year - 1}-01-01")),
        ("GET /reports/skills (rendered)", lambda: get("/reports/skills")),
    ]
    print(f"\n| what | median (s) | max (s) |  ({args.repeat} runs after one warm-up)\n| --- | ---: | ---: |")
    for label, fn in results:
        med, worst = median_time(fn, args.repeat)
        print(f"| {label} | {med:.3f} | {worst:.3f} |", flush=True)
    engine.dispose()


def main() -> None:
    args = parse_args()
    url = f"sqlite:///{args.sqlite_path}" if args.db == "sqlite" else PG_BENCH
    os.environ.setdefault("EMPATHY_DATABASE_URL", url)
    if not args.reuse:
        print(f"building {args.db}: {args.employees:,} employees, {args.hours:,} hours records, seed {args.seed}")
        build(args, url)
    measure(args, url)


if __name__ == "__main__":
    main()
