"""Profile saves that bring many new skill names, against other people's saves at the same moment (issue 15, fault 6).

Builds a SQLite database (migrated, the shipped taxonomy plus --existing typed-in skills), then one employee adds
--names new skill names through profile saves of as many rows and new names as the code under test accepts,
while --others employees (one process each) save their own profiles in a loop. Prints one JSON line: the big
saves' count and seconds, and the other saves' count, failures and slowest seconds.

Run it against any checkout (the code under test is the `empathy` on PYTHONPATH):
  PYTHONPATH=. python benchmarks/bench_taxonomy.py --existing 5000 --names 300
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

SECRET = "bench-secret"


def _app(url: str):
    from empathy import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True})


def _set_up(url: str, existing: int, others: int) -> None:
    from sqlmodel import Session

    from empathy.accounts.services.auth import create_user
    from empathy.core import schema
    from empathy.core.db import get_engine
    from empathy.data import load_sites, load_skills
    from empathy.models import Skill
    from empathy.profiles.taxonomy import sync_shipped_taxonomy

    app = _app(url)
    schema.upgrade(app)
    with app.app_context(), Session(get_engine(app), expire_on_commit=False) as session:
        sync_shipped_taxonomy(session, load_skills(), load_sites())
        session.add_all(Skill(name=f"Typed skill {i}", label_en=f"Typed skill {i}", label_zh="",
                              synonyms=[f"typed synonym {i}"], needs_review=True) for i in range(existing))
        session.commit()
        for i in range(others + 1):
            create_user(session=session, email=f"bench{i}@example.com", display_name=f"Bench {i}",
                        password="a long enough password")
    get_engine(app).dispose()


def _save(app, email: str, names: list[str]) -> None:
    from sqlmodel import Session, select

    from empathy.core.db import get_engine
    from empathy.models import User
    from empathy.models.profile_schemas import ProfileSkillCreate, ProfileUpdate
    from empathy.profiles.services import update_profile

    with app.test_request_context(), Session(get_engine(app), expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        data = ProfileUpdate.model_construct(skills=[ProfileSkillCreate(name=n) for n in names], department="",
                                             bio="", hours_per_month=8, available_weekdays=True,
                                             available_weekends=True, available_evenings=False, remote_ok=True,
                                             is_suggestible=True, languages=[], causes=[], site=None)
        update_profile(session=session, user=user, data=data)


def _other(url: str, email: str, stop, results) -> None:
    """Save one's own profile (two listed skills) again and again until told to stop."""
    app = _app(url)
    saves, failures, slowest = 0, 0, 0.0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            _save(app, email, ["Accounting", "Teaching"])
        except Exception as exc:  # noqa: BLE001  (counted: "database is locked" is what a user would get)
            failures += 1
            kind = type(getattr(exc, "orig", exc)).__name__
        else:
            saves += 1
            kind = None
        slowest = max(slowest, time.perf_counter() - started)
        if kind:
            results.put(("error", kind))
        time.sleep(0.05)
    results.put(("other", saves, failures, slowest))


def _limits() -> tuple[int, int]:
    """How many rows one save accepts, and how many of them may be new skills (no limit: all)."""
    from empathy.models import profile_schemas

    rows = getattr(profile_schemas, "MAX_SKILL_ROWS", None) or profile_schemas.MAX_PROFILE_SKILLS
    return rows, getattr(profile_schemas, "MAX_NEW_SKILLS_PER_SAVE", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", type=int, default=5000, help="typed-in skills already in the taxonomy")
    parser.add_argument("--names", type=int, default=300, help="new skill names the one employee brings")
    parser.add_argument("--others", type=int, default=3, help="other employees saving meanwhile")
    args = parser.parse_args()

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-taxonomy.')) / 'bench.sqlite'}"
    _set_up(url, args.existing, args.others)
    rows, new_per_save = _limits()
    app = _app(url)

    refused_started = time.perf_counter()
    try:
        _save(app, "bench0@example.com", [f"New skill {i}" for i in range(args.names)])
        all_at_once = "accepted"
    except Exception as exc:  # noqa: BLE001
        all_at_once = f"refused ({type(exc).__name__})"
    all_at_once_seconds = time.perf_counter() - refused_started

    stop, results = mp.Event(), mp.Queue()
    workers = [mp.Process(target=_other, args=(url, f"bench{i}@example.com", stop, results))
               for i in range(1, args.others + 1)]
    for w in workers:
        w.start()
    time.sleep(2)  # the others are saving before the big saves start
    names = [f"New skill {i}" for i in range(args.names)]
    listed = ["Accounting", "Teaching", "Nursing", "Cooking"]
    saves, slowest, started = 0, 0.0, time.perf_counter()
    for start in range(0, len(names), new_per_save):
        chunk = names[start:start + new_per_save]
        begun = time.perf_counter()
        _save(app, "bench0@example.com", chunk + listed[:max(0, min(len(listed), rows - len(chunk)))])
        slowest = max(slowest, time.perf_counter() - begun)
        saves += 1
    big_seconds = time.perf_counter() - started
    time.sleep(1)
    stop.set()
    other_saves = other_failures = 0
    other_slowest, errors = 0.0, {}
    for _ in workers:
        while True:
            item = results.get(timeout=60)
            if item[0] == "error":
                errors[item[1]] = errors.get(item[1], 0) + 1
                continue
            other_saves += item[1]
            other_failures += item[2]
            other_slowest = max(other_slowest, item[3])
            break
    for w in workers:
        w.join()
    print(json.dumps({
        "existing_skills": args.existing, "new_names": args.names, "rows_per_save": rows,
        "new_per_save": new_per_save, "all_in_one_save": all_at_once,
        "all_in_one_save_s": round(all_at_once_seconds, 2), "big_saves": saves, "big_total_s": round(big_seconds, 2),
        "big_slowest_s": round(slowest, 2), "other_saves": other_saves, "other_failures": other_failures,
        "other_errors": errors, "other_slowest_s": round(other_slowest, 2)}))


if __name__ == "__main__":
    main()
