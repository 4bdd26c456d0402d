"""The texts of the API document that /api/v1/docs shows, marked for the translation catalogue.

Written by `python scripts/i18n.py api-docs` from the OpenAPI document (docstrings, field descriptions);
do not edit: change the docstring or description, run it, then translate the new entries.
"""

from flask_babel import lazy_gettext as _l

TEXTS = (
    _l("0-100 over both stages."),  # noqa: E501
    _l("1 beginner, 2 intermediate, 3 advanced, 4 expert."),  # noqa: E501
    _l("403 for one's own hours while someone else may review them (the need's coordinator or another administrator); when nobody else can, one reviews them oneself, and the audit log says so."),  # noqa: E501
    _l("409 when they are committed to another need at that time (`clashes_with`; another coordinator's need unnamed)."),  # noqa: E501
    _l("409 when you are committed (signed up or confirmed) to another need whose time overlaps this one: nobody is double-booked, and the problem's `clashes_with` names that need. 403 for the need's own coordinator, who leads it rather than signing up."),  # noqa: E501
    _l("409 when you are committed to another need at that time (the problem's `clashes_with` names it); 403 for the need's own coordinator."),  # noqa: E501
    _l("A cause code, e.g. `education`."),  # noqa: E501
    _l("A file of at most 200 rows is imported at once: 200 with the report. A larger one is handed to a worker: 202 with the job and its `Location` (GET /admin/imports/{job_id}); poll it until `state` is done or failed. All or nothing either way. At most 5 MB and 10,000 employees per file, 50 skills per employee and 100 skills the list lacks."),  # noqa: E501
    _l("A key of your choice (1 to 255 printable ASCII characters, no spaces), new for each thing you mean to create. Sent again with the same request (after a timeout, say), it creates nothing more and answers as the first time, with `Idempotent-Replayed: true`; the same key with another request is answered 422. Keys are kept for 30 days (`flask prune-submissions`)."),  # noqa: E501
    _l("A name to recognise the token by."),  # noqa: E501
    _l("A need someone is already committed to (signed up, confirmed) that runs at the same time."),  # noqa: E501
    _l("A proposed team covering the must-have skills first, or the coverage of your own choice (`member`), with a reason for everyone left out; invite it with POST /needs/{need_id}/invitations."),  # noqa: E501
    _l("A site code (see the needs' `site`)."),  # noqa: E501
    _l("A site code; omit for a remote need."),  # noqa: E501
    _l("A site's code."),  # noqa: E501
    _l("A word both texts share, as the person wrote it."),  # noqa: E501
    _l("Accept an invitation: it takes a seat."),  # noqa: E501
    _l("Add a reviewed skill; names, labels and synonyms must not name another skill (409)."),  # noqa: E501
    _l("Add a site; codes are unique (409)."),  # noqa: E501
    _l("Administration and reports"),  # noqa: E501
    _l("After a move: the people committed to this need who are also committed to another need at the new time (display names)."),  # noqa: E501
    _l("An RFC 9457 problem document (media type application/problem+json)."),  # noqa: E501
    _l("An import handed to a worker: its `state` (queued, running, done, failed), `progress`, report and, for the caller who started it, the new accounts' activation links (in one answer only: then deleted)."),  # noqa: E501
    _l("An import run by a worker. Poll it (its URL is the `Location` of the 202) until `state` is done or failed."),  # noqa: E501
    _l("Any label or synonym; unknown names are created and flagged for an administrator's review, at most 5 in one save."),  # noqa: E501
    _l("Approve pending hours (the need's coordinator or an administrator)."),  # noqa: E501
    _l("Approve several pending hours records at once, all or none (the needs' coordinator or an administrator)."),  # noqa: E501
    _l("Approved hours, volunteers and seats over a date range (this calendar year by default)."),  # noqa: E501
    _l("Below this many able employees a wanted skill counts as scarce."),  # noqa: E501
    _l("Cancel a need; everyone invited, awaiting approval or confirmed is told (`people_told`)."),  # noqa: E501
    _l("Change a site's code or names, or (de)activate it; references by id are unaffected."),  # noqa: E501
    _l("Change a user's role and/or deactivate or reactivate the account (never your own)."),  # noqa: E501
    _l("Change some fields of a need (its coordinator or an administrator). A new time or place tells everyone invited, awaiting approval or confirmed (in-app and by e-mail); `people_told` says how many."),  # noqa: E501
    _l("Change some fields of a skill; `reviewed: true` accepts it into the taxonomy."),  # noqa: E501
    _l("Check the file and report, writing nothing."),  # noqa: E501
    _l("Check this choice of people (user ids; repeat the parameter) instead of proposing a team. Ids that are not among the candidates are ignored."),  # noqa: E501
    _l("Confirm a volunteer who awaits approval (the need's coordinator or an administrator)."),  # noqa: E501
    _l("Confirm you have seen the credential."),  # noqa: E501
    _l("Copy a need you can see (details and skills) as a new draft you own."),  # noqa: E501
    _l("Create a need as a draft (coordinators)."),  # noqa: E501
    _l("Create or update employees from a CSV export (columns as on the import page); `dry_run=1` only checks."),  # noqa: E501
    _l("Credential kinds every volunteer must hold, valid and verified, before they are confirmed."),  # noqa: E501
    _l("Credentials waiting for verification, oldest first."),  # noqa: E501
    _l("Decline an invitation."),  # noqa: E501
    _l("Delete a draft (its coordinator or an administrator); a published need answers 409: close or cancel it."),  # noqa: E501
    _l("Deprecated: the same as per_page."),  # noqa: E501
    _l("Employees who fit the need, best first, filtered and paged as on its page (its coordinator or an admin)."),  # noqa: E501
    _l("Empty when the need is another coordinator's to name."),  # noqa: E501
    _l("Every employee with their profile and skills, as on the export page."),  # noqa: E501
    _l("Every kind the need requires; an empty list requires none."),  # noqa: E501
    _l("Every need with its skills and seats; times in the organisation's time zone."),  # noqa: E501
    _l("Every site, inactive ones included."),  # noqa: E501
    _l("Everyone considered, best-ranked first, each with the reasons they are not in the team."),  # noqa: E501
    _l("Exchange an email and password (and, with two-factor sign-in, a code) for a token valid for 30 days."),  # noqa: E501
    _l("Failed attempts are counted per address, per account and address, and per account (429 with Retry-After past a limit); 503 with Retry-After when they cannot be counted just now. When the installation is \"single sign-on only\", only break-glass administrators may use a password: any other address gets the same 401 as a wrong password (sign in through the identity provider and create a token on the API tokens page instead)."),  # noqa: E501
    _l("False until the matcher has been fitted (then the team is empty)."),  # noqa: E501
    _l("First day (default: 1 January)."),  # noqa: E501
    _l("For a member: what speaks against them (the coordinator chose them anyway); for a candidate: why they are not in the team."),  # noqa: E501
    _l("For accounts with two-factor sign-in: the code from the authenticator app, or a recovery code."),  # noqa: E501
    _l("Hours a month left while the need runs after their other seated needs; null when they keep their availability private."),  # noqa: E501
    _l("How many needs of the best ones looked at were left out: they share no skill with your profile and little of its wording."),  # noqa: E501
    _l("How many of `total` are at least a partial fit (band strong, good or partial); the others only share something with the need."),  # noqa: E501
    _l("How many people invited, awaiting approval or confirmed were told of a new time or place, or of the cancellation (in-app and by e-mail)."),  # noqa: E501
    _l("How many people were left out, not counted in `total`: they share no skill with the need and little of its wording."),  # noqa: E501
    _l("How well it matched, 0..1."),  # noqa: E501
    _l("Invite employees to the need; returns how many were invited."),  # noqa: E501
    _l("Its share of its role's weight, 0..1: the shares of one role sum to 1."),  # noqa: E501
    _l("Its share of the text similarity."),  # noqa: E501
    _l("Its weight within its role (0 when the need does not ask for it)."),  # noqa: E501
    _l("Language codes volunteers should speak (as in profiles); empty: any."),  # noqa: E501
    _l("Last day (default: 31 December)."),  # noqa: E501
    _l("Log hours you gave; they wait for the coordinator's approval."),  # noqa: E501
    _l("Mark all your notifications read."),  # noqa: E501
    _l("Mark one of your notifications read."),  # noqa: E501
    _l("Minimum level in every must-have skill."),  # noqa: E501
    _l("Move every use of this skill onto `into`, keep its names as synonyms there, and delete it."),  # noqa: E501
    _l("Must-have skills they hold below the asked level."),  # noqa: E501
    _l("Names of related skills (partial credit in suggestions)."),  # noqa: E501
    _l("Need skills the person does not hold but holds a related skill of (e.g. Accounting for Bookkeeping): partial credit, not missing."),  # noqa: E501
    _l("Needs you may see (drafts only your own), soonest first."),  # noqa: E501
    _l("Nothing is approved when one of them is not found (404), is on another coordinator's need or is your own (403), or is no longer pending (409, e.g. reviewed meanwhile). `items` are the approved records, in the order sent; a repeated id counts once."),  # noqa: E501
    _l("Null when the need is another coordinator's to name."),  # noqa: E501
    _l("On a 409 for a sign-up, an accepted invitation or an approval: the need the person is already committed to at that time (refused: nobody is double-booked)."),  # noqa: E501
    _l("Once finished, unless the file as a whole was refused."),  # noqa: E501
    _l("Once the need has started, record whether a confirmed volunteer came."),  # noqa: E501
    _l("One need with its skills."),  # noqa: E501
    _l("One person's sign-up for one need, and its hours"),  # noqa: E501
    _l("Only for people who signed up or hold a seat and let coordinators of their needs see their e-mail address; null otherwise."),  # noqa: E501
    _l("Only messages in this state (empty: all)."),  # noqa: E501
    _l("Only needs the caller owns."),  # noqa: E501
    _l("Only people available at weekends."),  # noqa: E501
    _l("Only people available on weekdays."),  # noqa: E501
    _l("Only people holding the credentials the need requires."),  # noqa: E501
    _l("Only people with the need's hours free this month."),  # noqa: E501
    _l("Only skills waiting for review."),  # noqa: E501
    _l("Only the fields given change; `reviewed: true` accepts a typed-in skill."),  # noqa: E501
    _l("Only the fields given change; `skills`, when given, replaces the whole list."),  # noqa: E501
    _l("Open a closed need again."),  # noqa: E501
    _l("Open a draft to volunteers."),  # noqa: E501
    _l("Open needs that fit your skills, best first (empty until the matcher has been fitted)."),  # noqa: E501
    _l("Part of the department's name."),  # noqa: E501
    _l("Pending hours records to approve."),  # noqa: E501
    _l("People of the `member` choice beyond the seats left: not in the team."),  # noqa: E501
    _l("Place in the ranking of suggestions, 1 = best."),  # noqa: E501
    _l("Raised at each change of time, place or cancellation: the SEQUENCE of the need's calendar entries."),  # noqa: E501
    _l("Record or renew a credential (`kind`: background_check, first_aid, health_certificate, driving_licence)."),  # noqa: E501
    _l("Reject pending hours with a reason (403 for one's own hours, as for approving)."),  # noqa: E501
    _l("Replace your profile (at most 50 skills); skill names the taxonomy lacks are created and flagged for review, at most 5 in one save (422 on the row of the sixth)."),  # noqa: E501
    _l("Rows in the file."),  # noqa: E501
    _l("Rows through the current stage."),  # noqa: E501
    _l("Set the credentials every volunteer of the need must hold before being confirmed (its coordinator or an admin)."),  # noqa: E501
    _l("Skills open needs wait on (rarest first), the scarce ones, and common skills no open need uses."),  # noqa: E501
    _l("Step back from a need before it starts."),  # noqa: E501
    _l("Stop taking volunteers."),  # noqa: E501
    _l("Take a confirmed volunteer off the need with a reason; the seat is freed and they are told."),  # noqa: E501
    _l("Text only: cosine similarity before scaling."),  # noqa: E501
    _l("Text only: the hubness correction."),  # noqa: E501
    _l("That level's name (beginner..expert)."),  # noqa: E501
    _l("The account the token belongs to."),  # noqa: E501
    _l("The body field, query parameter or path parameter at fault."),  # noqa: E501
    _l("The calibrated fit, 0..1: the share of right answers at this margin on the benchmark (right people for a need, right needs for you)."),  # noqa: E501
    _l("The factor for must-haves covered, 0..1; hidden with the skills."),  # noqa: E501
    _l("The fit as a band. Share of right answers in each band on the benchmark, for a need's suggested people: strong about 60%, good about 32%, partial about 14%, weak about 2%; for the needs suggested to you (their own calibration): strong about 76%, good about 36%, partial about 13%, weak about 1%."),  # noqa: E501
    _l("The last failed attempt's error, as the mail server gave it."),  # noqa: E501
    _l("The level the need asks for, 1..4."),  # noqa: E501
    _l("The must-have skill of the need (canonical name)."),  # noqa: E501
    _l("The must-have skills they cover at the required level."),  # noqa: E501
    _l("The need's people by status, seats left and hours (its coordinator or an administrator)."),  # noqa: E501
    _l("The need's skill as the need names it."),  # noqa: E501
    _l("The new accounts' one-time links, for the caller who started the import: given once, in the first answer after it is done, then deleted (null afterwards, and for other callers)."),  # noqa: E501
    _l("The outbox, newest first: every e-mail with its state (queued, sending, sent, logged: kept because no mail server is configured, failed), attempts and last error; `status` keeps one state."),  # noqa: E501
    _l("The people concerned: holders who cannot join or found no seat, or (nobody) those who have it below the asked level."),  # noqa: E501
    _l("The person keeps their skills private."),  # noqa: E501
    _l("The person's level in it, 1..4."),  # noqa: E501
    _l("The person's own skill that covers it, as the match explanation says."),  # noqa: E501
    _l("The person's own skill that matched it."),  # noqa: E501
    _l("The ranking score, 0..1: compare it only among one need's suggestions."),  # noqa: E501
    _l("The reason in words, in the caller's language."),  # noqa: E501
    _l("The skill taxonomy"),  # noqa: E501
    _l("The skill taxonomy, searchable by name, label or synonym."),  # noqa: E501
    _l("The skill that stays; every use of this one moves onto it."),  # noqa: E501
    _l("The specialty score (text and skills) after the must-have factor; hidden with the skills."),  # noqa: E501
    _l("The taxonomy's name of the need's skill, if known."),  # noqa: E501
    _l("The taxonomy's name of the person's skill."),  # noqa: E501
    _l("The taxonomy, those waiting for review first; `review=true` lists only those."),  # noqa: E501
    _l("The weakest band kept: partial keeps partial, good and strong."),  # noqa: E501
    _l("This part's score, 0..1."),  # noqa: E501
    _l("Tokens, your profile, suggestions and notifications"),  # noqa: E501
    _l("Turn down a volunteer who awaits approval; `message` is the reason."),  # noqa: E501
    _l("Users whose name or email contains `q`, newest first."),  # noqa: E501
    _l("Volunteer for a need: confirmed at once, or awaiting the coordinator's approval."),  # noqa: E501
    _l("Volunteers may log more hours for a day than the need runs that day (at most 24)."),  # noqa: E501
    _l("Welfare needs and the people who help with them"),  # noqa: E501
    _l("What cause and language add, a small amount."),  # noqa: E501
    _l("What the fit reads: for a need's suggested people, the score minus the need's 10th best person; for the needs suggested to you, minus your 3rd best open need."),  # noqa: E501
    _l("When a queued message is tried again."),  # noqa: E501
    _l("When nobody is proposed: why, in words (the first line sums up)."),  # noqa: E501
    _l("When the proposal leaves seats free because only weak fits (reason `weak_fit`) could take them: how many and who, in words; else empty."),  # noqa: E501
    _l("Whether a must-have falls short (not held, held below the asked level, only a related skill): then the band is at most good; hidden with the skills."),  # noqa: E501
    _l("Whether the need asks for it (a cause, languages, known skills)."),  # noqa: E501
    _l("Whether the person's level reaches it."),  # noqa: E501
    _l("Which calibration gave the fit and band: need (the need's people; also used for a person who can join fewer than 5 needs) or employee (a person's needs)."),  # noqa: E501
    _l("Why a person was suggested for a need."),  # noqa: E501
    _l("Why the whole import failed (a problem of the file, a worker stopped)."),  # noqa: E501
    _l("Your commitments as an iCalendar file (RFC 5545): confirmed ones, and for 30 days those of a cancelled need or given back, as STATUS:CANCELLED. Each entry keeps its UID; its SEQUENCE grows when the need's time, place or status changes, so calendar apps replace the old copy."),  # noqa: E501
    _l("Your credentials; each counts once an administrator has verified it, until it expires."),  # noqa: E501
    _l("Your employee profile, skills included."),  # noqa: E501
    _l("Your invitations, sign-ups and commitments, current and past."),  # noqa: E501
    _l("Your notifications, newest first."),  # noqa: E501
    _l("`worked_on` must be one of the need's own local days (its end is exclusive: a need ending at 00:00 does not reach the next day), and the hours at most as long as the need ran that day unless the need `allows_extra_hours` (422 on the field). An entry identical to one already logged is refused (409)."),  # noqa: E501
    _l("checking reads every cell; writing stores the rows in one transaction."),  # noqa: E501
    _l("fit (text, skills: decide the fit) or tie_break (cause, language: re-order similar fits)."),  # noqa: E501
    _l("invited, volunteered, confirmed (with attended and no-show), declined, withdrawn, rejected, removed."),  # noqa: E501
    _l("must or nice."),  # noqa: E501
    _l("no_hours: fewer free hours a month while the need runs than it asks a month; hours_private: keeps their availability private; credential: lacks a required credential; overlap: already committed (signed up or seated) to a need at that time; seats_full: could join, but the seats went to people covering more must-haves or ranking higher; not_chosen: could join, not in the coordinator's choice; weak_fit: could join, but only a weak fit covering no must-have, so not proposed for a free seat."),  # noqa: E501
    _l("nobody: nobody among the candidates has it at the asked level; unavailable: those who have it cannot join (see their reasons); no_seat_left: those who have it could join, but the seats went to other must-haves; not_in_choice: those who have it could join, but the coordinator's choice leaves them out."),  # noqa: E501
    _l("taxonomy (the same skill), related (a related skill of the taxonomy, partial credit) or text (similar words)."),  # noqa: E501
    _l("text, skills, cause and language."),  # noqa: E501
)
