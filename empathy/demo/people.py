"""Generate the demo employees from the job profiles, deterministically from one Random."""

from __future__ import annotations

import random

from empathy.demo.names import Person, person_for_site
from empathy.demo.profiles import COMMON_SIDE, HOBBIES, SIDE_TEXT, Profile, all_profiles

CAUSE_CODES = (
    "aged_care", "education", "poverty_alleviation", "environment", "health",
    "disaster_relief", "community", "children", "disability", "culture",
)
ABROAD = ("phnom-penh", "london", "singapore", "hong-kong")
MAX_SKILLS = 8

# Language skills and the ISO 639-1 code they imply (dialects count as Chinese).
LANGUAGE_CODES = {
    "English language": "en", "Mandarin": "zh", "Cantonese": "zh", "Shanghainese": "zh",
    "Ningxia dialect": "zh", "Zhuang language": "za", "Khmer": "km", "Malay": "ms", "Tamil": "ta",
    "Hindi": "hi", "Japanese": "ja", "Korean": "ko", "French": "fr", "German": "de", "Spanish": "es",
}
_HOBBY_TEXT = {skill: (en, zh) for skill, en, zh in HOBBIES}


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _language_skills(rng: random.Random, person: Person, site: str) -> list[tuple[str, int]]:
    """Languages worth listing as skills, given where the person comes from and works."""
    origin = person.origin
    if origin == "kh":
        out = [("Khmer", 4), ("English language", rng.randint(2, 4))]
        if _chance(rng, 0.3):
            out.append(("Mandarin", rng.randint(1, 3)))
        return out
    if origin == "uk":
        out = [("English language", 4)] if _chance(rng, 0.5) else []
        if _chance(rng, 0.35):
            out.append((rng.choice(("French", "Spanish", "German")), rng.randint(1, 3)))
        return out
    if origin == "sg_cn":
        return [("English language", 4), ("Mandarin", rng.randint(3, 4))]
    if origin == "sg_ms":
        return [("Malay", 4), ("English language", 4)]
    if origin == "sg_ta":
        return [("Tamil", 4), ("English language", 4)] + ([("Hindi", 2)] if _chance(rng, 0.2) else [])
    if origin == "hk":
        out = [("Cantonese", 4), ("English language", rng.randint(3, 4))]
        if _chance(rng, 0.7):
            out.append(("Mandarin", rng.randint(2, 4)))
        return out
    # Mainland Chinese staff, at home or abroad.
    out: list[tuple[str, int]] = []
    local = {
        "shanghai-hq": ("Shanghainese", 0.25), "shenzhen": ("Cantonese", 0.35),
        "hong-kong": ("Cantonese", 0.5), "nanning": ("Zhuang language", 0.25),
        "yinchuan": ("Ningxia dialect", 0.35), "yanchi-pv-base": ("Ningxia dialect", 0.45),
        "phnom-penh": ("Khmer", 0.6),
    }
    if site in local and _chance(rng, local[site][1]):
        skill = local[site][0]
        out.append((skill, rng.randint(1, 2) if skill == "Khmer" else rng.randint(3, 4)))
    if site in ABROAD or site == "london":
        out.append(("English language", rng.randint(3, 4)))
    elif _chance(rng, 0.3):
        out.append(("English language", rng.randint(1, 3)))
    if _chance(rng, 0.04):
        out.append((rng.choice(("Japanese", "Korean", "French", "German")), rng.randint(1, 2)))
    return out


def _bio_language(rng: random.Random, person: Person, site: str) -> str:
    if person.origin in ("kh", "uk", "sg_ms", "sg_ta"):
        return "en"
    if person.origin in ("hk", "sg_cn"):
        return "zh" if _chance(rng, 0.2) else "en"
    if site in ABROAD:
        return "zh" if _chance(rng, 0.4) else "en"
    roll = rng.random()
    return "zh" if roll < 0.36 else ("mixed" if roll < 0.45 else "en")


def _level(rng: random.Random, lo: int, hi: int, experience: int) -> int:
    if experience <= 3:
        hi = min(hi, 3)
        lo = min(lo, hi)
    level = rng.randint(lo, hi)
    if experience >= 12 and level < hi and _chance(rng, 0.5):
        level += 1
    return level


def _years(rng: random.Random, experience: int, *, core: bool) -> int | None:
    if _chance(rng, 0.15 if core else 0.35):
        return None
    return rng.randint(max(1, experience // 2), experience) if core else rng.randint(1, max(1, experience))


def _pick_skills(rng: random.Random, prof: Profile, person: Person, site: str, experience: int):
    """The person's skills plus the extra bio lines their side skills and hobbies call for."""
    skills: dict[str, tuple[int, int | None]] = {}
    for name, lo, hi in prof.core:
        skills[name] = (_level(rng, lo, hi, experience), _years(rng, experience, core=True))
    extras = rng.sample(prof.extra, min(len(prof.extra), rng.randint(1, 3)))
    for name in extras:
        skills.setdefault(name, (_level(rng, 1, 3, experience), _years(rng, experience, core=False)))
    for name, level in _language_skills(rng, person, site):
        skills.setdefault(name, (level, None))
    lines: list[str] = []
    optional: list[tuple[str, int, int | None]] = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        pool = prof.side if (prof.side and _chance(rng, 0.7)) else COMMON_SIDE
        optional.append((rng.choice(pool), rng.randint(2, 3), None))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        optional.append((rng.choice(HOBBIES)[0], rng.randint(1, 3), rng.choice((None, rng.randint(1, 15)))))
    for name, level, years in optional:
        if len(skills) >= MAX_SKILLS or name in skills:
            continue
        skills[name] = (level, years)
        lines.append(name)
    # Extras go first when there are too many; core and language skills always stay.
    for name in reversed(extras):
        if len(skills) <= MAX_SKILLS:
            break
        if len(skills) > 3:
            del skills[name]
    return skills, lines


def _bio(rng: random.Random, prof: Profile, language: str, experience: int, lines: list[str]) -> str:
    main = "en" if language == "en" else "zh"
    template = rng.choice(prof.en if main == "en" else prof.zh)
    parts = [template.format(years=experience)]
    # In a mixed bio the side notes are in the other language, as people often write them.
    note_lang = main if language != "mixed" else ("en" if main == "zh" else "zh")
    for name in lines:
        en, zh = SIDE_TEXT.get(name) or _HOBBY_TEXT[name]
        parts.append(en if note_lang == "en" else zh)
    joiner = "" if main == "zh" and note_lang == "zh" else " "
    return joiner.join(parts)


def _languages(person: Person, skills: dict, bio_language: str) -> list[str]:
    codes: list[str] = []
    if person.origin in ("cn", "hk", "sg_cn"):
        codes.append("zh")
    if person.origin in ("uk", "sg_ms", "sg_ta", "kh") or bio_language != "zh":
        codes.append("en")
    for name in skills:
        code = LANGUAGE_CODES.get(name)
        if code and code not in codes:
            codes.append(code)
    return codes


def _causes(rng: random.Random, prof: Profile) -> list[str]:
    chosen = set(rng.sample(prof.causes, min(len(prof.causes), rng.randint(1, 3))))
    if _chance(rng, 0.25):
        chosen.add(rng.choice(CAUSE_CODES))
    return [code for code in CAUSE_CODES if code in chosen]


def make_employee(rng: random.Random, prof: Profile, site: str, number: int, taken: set[str]) -> dict:
    """One employee of `prof` working at `site`, numbered for a unique e-mail address."""
    person = person_for_site(rng, site, local_share=prof.local_share)
    for _ in range(50):  # small name pools abroad: avoid two colleagues with the same name
        if person.name not in taken:
            break
        person = person_for_site(rng, site, local_share=prof.local_share)
    taken.add(person.name)
    experience = rng.randint(2, 3) if _chance(rng, 0.15) else rng.randint(4, 26)
    skills, lines = _pick_skills(rng, prof, person, site, experience)
    bio_language = _bio_language(rng, person, site)
    bio = _bio(rng, prof, bio_language, experience, lines)
    if bio_language == "en":
        preferred = "zh" if person.origin == "cn" and _chance(rng, 0.35) else "en"
    else:
        preferred = "zh" if bio_language == "zh" or _chance(rng, 0.6) else "en"
    weekdays, weekends, evenings = _chance(rng, 0.35), _chance(rng, 0.7), _chance(rng, 0.45)
    if not (weekdays or weekends or evenings):
        weekends = True
    causes = _causes(rng, prof)  # drawn in this order: the same seed gives the same people
    # A fifth have volunteer leave (32–40 h a month), so week-long builds and trips can be staffed.
    hours = rng.choice((4, 6, 8, 8, 10, 12, 16, 20, 32, 40))
    return {
        "email": f"{person.first_ascii}.{person.last_ascii}.{number}@empathy.example",
        "name": person.name,
        "department": prof.department,
        "site": site,
        "bio": bio,
        "languages": _languages(person, skills, bio_language),
        "causes": causes,
        "hours_per_month": hours,
        "weekdays": weekdays,
        "weekends": weekends,
        "evenings": evenings,
        "remote_ok": _chance(rng, prof.remote_share),
        # Whoever gives 16 hours a month or more can take a trip to another site (no draw: the rest of the
        # demo stays as it was).
        "travel_ok": hours >= 16,
        "preferred_language": preferred,
        "skills": [{"name": name, "level": level, "years": years} for name, (level, years) in skills.items()],
    }


def make_employees(rng: random.Random) -> list[dict]:
    """All demo employees: each profile's head count, in a shuffled but reproducible order."""
    # Sites go round-robin within a profile (first listed = main site), so every site gets staff.
    slots = [(prof, prof.sites[k % len(prof.sites)]) for prof in all_profiles() for k in range(prof.count)]
    rng.shuffle(slots)
    taken: set[str] = set()
    return [make_employee(rng, prof, site, number, taken) for number, (prof, site) in enumerate(slots, start=1)]
