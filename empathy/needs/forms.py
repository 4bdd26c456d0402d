"""The need form (details and required skills) and the search filters."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from empathy.core.errors import ServiceError
from empathy.core.fields import DateField, DateTimeLocalField, IntegerField, Length
from empathy.core.inputs import id_in_text
from empathy.core.labels import NEED_STATUS
from empathy.core.localtime import NonexistentTime, local_datetime
from empathy.core.memo import BoundedCache
from empathy.core.runtime import org_timezone
from empathy.core.validation import field_message, form_field
from empathy.core.web import form_error
from empathy.models.need_schemas import (
    MAX_BENEFICIARY,
    MAX_DESCRIPTION,
    MAX_HOURS,
    MAX_SEATS,
    MAX_TITLE,
    NEED_STATUSES,
    NeedBase,
    NeedCreate,
    NeedUpdate,
)
from empathy.models.profile_schemas import MAX_SKILL_NAME
from empathy.profiles.forms import (
    Hint,
    MultiCheckboxField,
    NumberField,
    SkillRowsMixin,
    cause_choices,
    language_choices,
    level_choices,
    refuse_unoffered_site,
    site_choices,
    skill_label,
)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
STATUS_NAMES = NEED_STATUS  # the labels of core.labels, by status


def to_local_naive(value: datetime) -> datetime:
    return value.astimezone(org_timezone()).replace(tzinfo=None)


class NeedSkillRowForm(Form):
    name = StringField(_l("Skill"), validators=[Hint(maxlength=MAX_SKILL_NAME)])
    # validate_choice=False here and below: the need family refuses a value off the list, in its own words.
    importance = SelectField(_l("Importance"), choices=[SelectChoice("must", _l("Must-have")),
                                                          SelectChoice("nice", _l("Nice-to-have"))],
                             validate_choice=False)
    min_level = SelectField(_l("Minimum level"), coerce=int, default=1, validate_choice=False)
    remove = BooleanField(_l("Remove"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_level.choices = level_choices()

    def validate(self, extra_validators=None) -> bool:
        return True if self.is_blank() else super().validate(extra_validators)

    def is_blank(self) -> bool:
        return self.remove.data or not (self.name.data or "").strip()


class NeedForm(SkillRowsMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[Hint(required=True, maxlength=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Hint(maxlength=MAX_DESCRIPTION)])
    cause = SelectField(_l("Cause"), choices=[], validate_choice=False, validators=[Hint(required=True)])
    beneficiary = StringField(_l("Beneficiary organisation"), validators=[Hint(maxlength=MAX_BENEFICIARY)])
    # Required unless the need is remote (NeedCreate says so): marked, and the help says when it is not.
    site = SelectField(_l("Site"), choices=[], validate_choice=False, validators=[Hint(required=True)],
                       description=_l("Required unless the need is remote."))
    remote = BooleanField(_l("Remote: volunteers can help from anywhere"))
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMATS, validators=[Hint(required=True)])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMATS, validators=[Hint(required=True)])
    seats = IntegerField(_l("Volunteers needed (people)"), default=1,
                         validators=[Hint(required=True, min=1, max=MAX_SEATS)])
    # 0.01: the browser's nearest hint for "above 0" (the family refuses 0 itself).
    hours_per_volunteer = NumberField(_l("Hours per volunteer (h)"), default=4,
                                     validators=[Hint(required=True, min=0.01, max=MAX_HOURS)])
    requires_approval = BooleanField(_l("Sign-ups need my approval"))
    allows_extra_hours = BooleanField(_l("Volunteers may log more hours for a day than the need runs that day"),
                                      description=_l("Otherwise hours are taken only for the need's own days, at "
                                                     "most as many as it runs each day."))
    languages = MultiCheckboxField(_l("Languages volunteers should speak"), choices=[], validate_choice=False,
                                   description=_l("Leave all unticked when any language will do."))
    skills = FieldList(FormField(NeedSkillRowForm), min_entries=0)
    add_rows = SubmitField(_l("Add more rows"))
    submit = SubmitField(_l("Save"))

    def set_choices(self, *, sites, lang: str) -> None:
        self.site.choices = site_choices(sites, lang, _l("— No site —"))
        self.cause.choices = [SelectChoice("", str(_l("— Choose a cause —")))] + cause_choices(lang)
        self.languages.choices = language_choices()

    def validate(self, extra_validators=None) -> bool:
        """WTForms reads the input; NeedCreate judges it, and its errors land on their fields."""
        parsed = super().validate(extra_validators)
        self._need = None
        written = self._written()
        for name in self._missing_times:
            form_error(self, ServiceError(str(_l("This time does not exist that day: the clocks skip it (daylight "
                                                 "saving). Choose a time before or after the change.")), field=name))
        unoffered = refuse_unoffered_site(self, self.site)
        try:
            self._need = NeedCreate.model_validate(written)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                name = form_field(err["loc"])
                if not self._fields.get(name) or not self._fields[name].errors:  # one message per unreadable field
                    form_error(self, ServiceError(field_message(err), field=name))
            return False
        return parsed and not self._missing_times and not unoffered

    def to_create(self) -> NeedCreate:
        """The need as written (after a successful validate())."""
        return self._need

    def to_update(self) -> NeedUpdate:
        """Every field of the need as written: the form edits the whole need."""
        return NeedUpdate.model_validate(self._need.model_dump())

    def _written(self) -> dict:
        """The need's fields (named as in NeedCreate) as WTForms read them; one it could not read is left out.

        The form is in local time (empathy.core.localtime): a time the clocks skip is left out and named in
        `_missing_times`; a time that happens twice is its first occurrence."""
        zone = org_timezone()
        values = {name: self[name].data for name in NeedCreate.model_fields if name != "skills"}
        self._missing_times = []
        for name in ("starts_at", "ends_at"):
            stored = getattr(self, "_stored", {}).get(name)
            if values[name] is not None and stored is not None and values[name] == to_local_naive(stored):
                values[name] = stored  # unchanged: keeps the second 01:30 of a fall-back night as it was
            elif values[name] is not None:
                try:
                    values[name] = local_datetime(values[name], zone)
                except NonexistentTime:
                    values[name] = None
                    self._missing_times.append(name)
        values["skills"] = [{"name": r.name.data or "", "importance": r.importance.data, "min_level": r.min_level.data}
                            for r in self.kept_rows()]
        return {name: value for name, value in values.items() if value is not None}


def need_form(*, detail=None, sites, lang: str, formdata=None) -> NeedForm:
    """The need form from the request (POST), a saved need (edit) or defaults (new)."""
    if formdata is not None:
        form = NeedForm(formdata=formdata)
    elif detail is not None:
        need = detail.need
        form = NeedForm(formdata=None, data={
            **need.model_dump(include=set(NeedBase.model_fields)),
            "site": str(need.site_id) if need.site_id else "", "remote": need.is_remote,
            "starts_at": to_local_naive(need.starts_at), "ends_at": to_local_naive(need.ends_at),
            "skills": [{"name": skill_label(s, lang), "importance": ns.importance, "min_level": ns.min_level}
                       for ns, s in detail.skills],
        })
        form.add_blank_rows()
    else:
        form = NeedForm(formdata=None)
        form.add_blank_rows()
    if detail is not None:  # an unchanged time stays the instant it was (see NeedForm._written)
        form._stored = {"starts_at": detail.need.starts_at, "ends_at": detail.need.ends_at}
    form.set_choices(sites=sites, lang=lang)
    return form


# The need lists' filter choices by language and sites: three dozen labels looked up on every visit otherwise.
_FILTER_CHOICES = BoundedCache(64)


class NeedFilterForm(Form):
    """The search and filter bar of the need lists (GET, no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    cause = SelectField(_l("Cause"), choices=[], validators=[Optional()])
    where = SelectField(_l("Site or remote"), choices=[], validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    # The reports' range: a day at the calendar's ends cannot be moved to UTC (OverflowError, a 500).
    EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

    def validate_date_from(self, field) -> None:
        if field.data is not None and not self.EARLIEST <= field.data <= self.LATEST:
            raise FieldError(str(_l("Enter a date between 2000 and 2100.")))

    validate_date_to = validate_date_from

    def set_choices(self, *, sites, lang: str) -> None:
        """The choices in `lang` (the request's language) with these sites; made once per language and sites."""
        key = (lang, tuple((s.id, s.name_en, s.name_zh) for s in sites))
        held = _FILTER_CHOICES.get(key)
        if held is None:
            where = site_choices(sites, lang, _l("Anywhere"))
            where.insert(1, SelectChoice("remote", str(_l("Remote"))))
            held = _FILTER_CHOICES.put(key, (
                (SelectChoice("", str(_l("Any status"))),
                 *(SelectChoice(s, str(STATUS_NAMES[s])) for s in NEED_STATUSES)),
                (SelectChoice("", str(_l("Any cause"))), *cause_choices(lang)),
                tuple(where),
            ))
        self.status.choices, self.cause.choices, self.where.choices = (list(c) for c in held)

    def criteria(self) -> dict:
        """Filters for services.needs_query.search_needs; values that did not validate are ignored."""
        self.validate()
        # Optional() passes blank text (" ", "\t") and clears the choice error SelectField raised for it: a
        # value that is blank once trimmed is no filter (else "status= " reached the status enum, a 500).
        ok = lambda f: None if f.errors else f.data.strip() if isinstance(f.data, str) else f.data  # noqa: E731
        where = ok(self.where) or ""
        return {
            "query": ok(self.q) or "",
            "status": ok(self.status) or None,
            "cause": ok(self.cause) or None,
            "site_id": id_in_text(where),
            "remote": True if where == "remote" else None,
            "date_from": ok(self.date_from),
            "date_to": ok(self.date_to),
        }



class DeleteForm(FlaskForm):
    """The confirmation of a deletion: only the CSRF token."""
