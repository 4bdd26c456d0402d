"""What is going on in the demo organisation on the day it is loaded, so that every role has something to do.

Keyed by need key. The loader picks the people (those whose skills overlap the need's most, at the need's
site or willing to travel), so this stays pure data:
- confirmed: volunteers holding a seat (half of them answered an invitation);
- volunteered: sign-ups waiting for the coordinator's approval;
- invited / declined: invitations not answered yet, and answered no;
- pending_hours: of the volunteers who came (or are on an ongoing need), how many logged hours that wait for
  review; the others' hours are approved (past needs feed the reports);
- logged_after_days: for a need under way, the day (from its start) the hours were worked.
The aged-care home visits start this week (start_offset_days 5 in needs_care).
"""

from __future__ import annotations

ACTIVITY = {
    # 陈思远 (Chen Siyuan), Shanghai
    "aged-care-weekend-home-visits": {"confirmed": 7, "invited": 2, "declined": 1},
    "aged-care-health-check-day": {"confirmed": 3, "volunteered": 2},
    "aged-care-fund-bookkeeping": {"volunteered": 1, "invited": 1},
    "dandelion-electrical-safety-check": {"confirmed": 2, "volunteered": 1},
    "dandelion-maths-physics-tutoring": {"confirmed": 3, "invited": 2, "declined": 1},
    "aged-care-mid-autumn-visit": {"pending_hours": 3},
    # 马晓宁 (Ma Xiaoning), Ningxia
    "yanchi-village-pv-maintenance-training": {"confirmed": 1, "volunteered": 2},
    "yanchi-pv-monitoring-dashboard": {"volunteered": 1, "invited": 1},
    "yinchuan-power-station-open-day": {"pending_hours": 2},
    # Sophie Lam, international
    "guangxi-flood-season-standby": {"confirmed": 10, "pending_hours": 4, "logged_after_days": 3},
    "guangxi-remote-science-lessons": {"confirmed": 2, "invited": 1, "declined": 1},
    "cambodia-english-teaching-workshop": {"pending_hours": 1},
}

# Skills employees typed that the taxonomy lacks: they wait for an administrator's review.
# (name, a department whose first employee typed it, level)
TYPED_SKILLS = (
    ("Sand tray therapy", "Health & Aged Care", 2),
    ("Solar street light repair", "New Energy", 3),
)
