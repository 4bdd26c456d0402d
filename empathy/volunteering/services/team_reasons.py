"""The team builder's reasons in words, in the interface language: the web page and the API say the same."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext

from empathy.core.i18n import format_list
from empathy.profiles.credentials import label as credential_label
from empathy.volunteering.services import teams
from empathy.volunteering.services.invitations import monthly_hours
from empathy.volunteering.services.teams import Reason, TeamPage


def _clause_break() -> str:
    """"; " between clauses that hold commas already: a full-width semicolon in Chinese."""
    return pgettext("between the items of a list that already hold commas", "; ")


def _h(hours: float) -> str:
    return f"{round(float(hours), 1):g}"


def reason_text(r: Reason) -> str:
    """Why one person cannot join or was not chosen, as a phrase."""
    v = r.values
    if r.code == teams.NO_HOURS:
        return _("%(free)s h a month free while the need runs; it asks %(needed)s h a month",
                 free=_h(v["free"]), needed=_h(v["needed"]))
    if r.code == teams.HOURS_PRIVATE:
        return _("keeps their availability private, so their free hours are unknown")
    if r.code == teams.CREDENTIAL:
        return _("lacks a valid, verified credential: %(kinds)s",
                 kinds=format_list(credential_label(k) for k in v["kinds"]))
    if r.code == teams.OVERLAP:
        if not v["title"]:
            return _("already committed at that time")
        return _("already committed at that time (“%(title)s”)", title=v["title"])
    if r.code == teams.WEAK_FIT:
        return _("only a weak fit: shares little with this need, so not proposed; tick them if you know they can help")
    if r.code == teams.SEATS_FULL:
        return _("could join; the seats went to people who cover more must-haves or rank higher")
    return _("could join; not ticked")


def uncovered_text(r: Reason, page: TeamPage) -> str:
    """Why a must-have stays uncovered, naming the people concerned."""
    names = {tc.id: c.user.display_name for tc, c in page.candidates}
    v = r.values
    if r.code == teams.NOBODY:
        text = ngettext("the %(num)s best-ranked person does not have it at the asked level",
                        "nobody among the %(num)s best-ranked people has it at the asked level",
                        len(page.candidates))
        if v.get("below"):
            text += _clause_break() + _("below that level: %(names)s", names=format_list(names[i] for i in v["below"]))
        if v.get("hidden"):
            text += _clause_break() + ngettext("skills kept private: %(num)s person",
                                               "skills kept private: %(num)s people", v["hidden"])
        return text
    if r.code == teams.UNAVAILABLE:
        why = page.team.left_out
        return _("the people who have it cannot join: %(people)s", people=_clause_break().join(
            _("%(text)s (%(note)s)", text=names[i], note=format_list(reason_text(x) for x in why.get(i, [])))
            for i in v["people"]))
    if r.code == teams.NOT_IN_CHOICE:
        return _("not in your choice; %(people)s could cover it", people=format_list(names[i] for i in v["people"]))
    return _("%(people)s could cover it, but every seat went to people covering other must-haves",
             people=format_list(names[i] for i in v["people"]))


def why_empty(page: TeamPage) -> list[str]:
    """When nobody is proposed, why: no seat left, nobody to suggest, or what stops each candidate (counted)."""
    if page.team.members:
        return []
    if page.seats_left <= 0:
        return [_("Every seat of this need is taken.")]
    if not page.candidates:
        return [_("Nobody is left to suggest: everyone who fits is already invited or signed up, or asked not to "
                  "be suggested.")]
    counts: dict[str, int] = {}
    kinds: dict[str, None] = {}
    for reasons in page.team.left_out.values():
        for r in reasons:
            counts[r.code] = counts.get(r.code, 0) + 1
            kinds.update(dict.fromkeys(r.values.get("kinds", ())))
    if set(counts) == {teams.WEAK_FIT}:
        return [ngettext("The only candidate left is a weak fit, who shares little with this need, so nobody is "
                         "proposed. Tick them below only if you know they can help, or add must-have skills and "
                         "a fuller description to the need.",
                         "The %(num)s candidates left are all weak fits, who share little with this need, so nobody "
                         "is proposed. Tick them below only if you know they can help, or add must-have skills and "
                         "a fuller description to the need.", counts[teams.WEAK_FIT])]
    if teams.WEAK_FIT in counts:
        head = _("Nobody among the best-ranked candidates (%(n)s) can be proposed:", n=len(page.candidates))
    else:
        head = _("Nobody among the best-ranked candidates (%(n)s) can join right now:", n=len(page.candidates))
    lines = {
        teams.NO_HOURS: lambda n: _("fewer free hours a month than the %(h)s h a month this need asks: %(n)s",
                                    h=_h(monthly_hours(page.need)), n=n),
        teams.HOURS_PRIVATE: lambda n: _("availability kept private: %(n)s", n=n),
        teams.CREDENTIAL: lambda n: _("a required credential missing (%(kinds)s): %(n)s",
                                      kinds=format_list(credential_label(k) for k in kinds), n=n),
        teams.OVERLAP: lambda n: _("already committed to a need at the same time: %(n)s", n=n),
        teams.WEAK_FIT: lambda n: _("only weak fits, who share little with this need: %(n)s", n=n),
    }
    return [head] + [line(counts[code]) for code, line in lines.items() if code in counts]


NAMED = 5  # weak fits named in the note on open seats


def weak_seats_note(page: TeamPage) -> str:
    """When the proposal leaves seats free because only weak fits could take them: how many, and who they are."""
    weak = page.team.weak_left_out
    if not page.team.members or not weak:
        return ""
    names = {tc.id: c.user.display_name for tc, c in page.candidates}
    free = max(0, page.seats_left - len(page.team.members))
    shown = [names[i] for i in weak[:NAMED]]  # best-ranked first; the picker below lists them all
    if len(weak) > NAMED:
        shown.append(ngettext("%(num)s other", "%(num)s others", len(weak) - NAMED))
    return ngettext("%(num)s seat stays open: only weak fits could take it (%(names)s), who share little with this "
                    "need, so they are not proposed. Tick them below only if you know they can help.",
                    "%(num)s seats stay open: only weak fits could take them (%(names)s), who share little with "
                    "this need, so they are not proposed. Tick them below only if you know they can help.",
                    free, names=format_list(shown))
