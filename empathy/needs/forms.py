"""The need form (details and required skills) and the search filters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from empathy.models import NEED_STATUSES, NeedStatus
from empathy.needs.services import (
    MAX_BENEFICIARY,
    MAX_DESCRIPTION,
    MAX_HOURS,
    MAX_SEATS,
    MAX_TITLE,
    NeedInput,
    NeedSkillInput,
)
from empathy.profiles.forms import (
    MultiCheckboxField,
    SkillRowsMixin,
    cause_choices,
    language_choices,
    level_choices,
    site_choices,
    skill_label,
)
from empathy.profiles.taxonomy import MAX_SKILL_NAME

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
STATUS_NAMES = {
    NeedStatus.DRAFT: _l("Draft"),
    NeedStatus.OPEN: _l("Open"),
    NeedStatus.FILLED: _l("Filled"),
    NeedStatus.CLOSED: _l("Closed"),
    NeedStatus.COMPLETED: _l("Completed"),
    NeedStatus.CANCELLED: _l("Cancelled"),
}


def local_zone() -> ZoneInfo:
    """The organisation's time zone (BABEL_DEFAULT_TIMEZONE) as a zoneinfo object."""
    return ZoneInfo(str(get_timezone() or "UTC"))


def to_local_naive(value: datetime) -> datetime:
    return value.astimezone(local_zone()).replace(tzinfo=None)


class NeedSkillRowForm(Form):
    name = StringField(_l("Skill"), validators=[Length(max=MAX_SKILL_NAME)])
    importance = SelectField(_l("Importance"), choices=[SelectChoice("must", _l("Must-have")),
                                                          SelectChoice("nice", _l("Nice-to-have"))])
    min_level = SelectField(_l("Minimum level"), coerce=int, default=1)
    remove = BooleanField(_l("Remove"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_level.choices = level_choices()

    def validate(self, extra_validators=None) -> bool:
        return True if self.is_blank() else super().validate(extra_validators)

    def is_blank(self) -> bool:
        return self.remove.data or not (self.name.data or "").strip()


class NeedForm(SkillRowsMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_DESCRIPTION)])
    cause = SelectField(_l("Cause"), choices=[])
    beneficiary = StringField(_l("Beneficiary organisation"), validators=[Length(max=MAX_BENEFICIARY)])
    site = SelectField(_l("Site"), choices=[])
    remote = BooleanField(_l("Remote: volunteers can help from anywhere"))
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMATS, validators=[InputRequired(_l("Enter a date and time."))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMATS, validators=[InputRequired(_l("Enter a date and time."))]
    )
    seats = IntegerField(
        _l("Volunteers needed"),
        default=1,
        validators=[InputRequired(), NumberRange(
            min=1, max=MAX_SEATS, message=_l("Enter a number of seats from 1 to %(n)d.", n=MAX_SEATS))],
    )
    hours_per_volunteer = FloatField(
        _l("Hours per volunteer"),
        default=4,
        validators=[InputRequired(), NumberRange(
            min=0.01, max=MAX_HOURS, message=_l("Enter hours above 0 and at most %(n)d.", n=MAX_HOURS))],
    )
    requires_approval = BooleanField(_l("Sign-ups need my approval"))
    languages = MultiCheckboxField(_l("Languages volunteers should speak"), choices=[],
                                   description=_l("Leave all unticked when any language will do."))
    skills = FieldList(FormField(NeedSkillRowForm), min_entries=0)
    add_rows = SubmitField(_l("Add more rows"))
    submit = SubmitField(_l("Save"))

    def set_choices(self, *, sites, lang: str) -> None:
        self.site.choices = site_choices(sites, lang, _l("— No site —"))
        self.cause.choices = [SelectChoice("", str(_l("— Choose a cause —")))] + cause_choices(lang)
        self.languages.choices = language_choices()

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(str(_l("The end must not be before the start.")))

    def to_input(self) -> NeedInput:
        zone = local_zone()
        return NeedInput(
            title=self.title.data or "",
            description=self.description.data or "",
            cause=self.cause.data or "",
            beneficiary=self.beneficiary.data or "",
            site=int(self.site.data) if self.site.data else None,
            remote=self.remote.data,
            starts_at=self.starts_at.data.replace(tzinfo=zone),
            ends_at=self.ends_at.data.replace(tzinfo=zone),
            seats=self.seats.data,
            hours_per_volunteer=self.hours_per_volunteer.data,
            requires_approval=self.requires_approval.data,
            languages=list(self.languages.data or []),
            skills=[
                NeedSkillInput(name=r.name.data or "", importance=r.importance.data, min_level=r.min_level.data)
                for r in self.kept_rows()
            ],
        )


def need_form(*, detail=None, sites, lang: str, formdata=None) -> NeedForm:
    """The need form from the request (POST), a saved need (edit) or defaults (new)."""
    if formdata is not None:
        form = NeedForm(formdata=formdata)
    elif detail is not None:
        need = detail.need
        form = NeedForm(formdata=None, data={
            "title": need.title, "description": need.description, "cause": need.cause,
            "beneficiary": need.beneficiary, "site": str(need.site_id) if need.site_id else "",
            "remote": need.is_remote, "starts_at": to_local_naive(need.starts_at),
            "ends_at": to_local_naive(need.ends_at), "seats": need.seats,
            "hours_per_volunteer": need.hours_per_volunteer, "requires_approval": need.requires_approval,
            "languages": list(need.languages or []),
            "skills": [{"name": skill_label(s, lang), "importance": ns.importance, "min_level": ns.min_level}
                       for ns, s in detail.skills],
        })
        form.add_blank_rows()
    else:
        form = NeedForm(formdata=None)
        form.add_blank_rows()
    form.set_choices(sites=sites, lang=lang)
    return form


class NeedFilterForm(Form):
    """The search and filter bar of the need lists (GET, no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    cause = SelectField(_l("Cause"), choices=[], validators=[Optional()])
    where = SelectField(_l("Site or remote"), choices=[], validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def set_choices(self, *, sites, lang: str) -> None:
        self.status.choices = [SelectChoice("", str(_l("Any status")))] + [
            SelectChoice(s, str(STATUS_NAMES[s])) for s in NEED_STATUSES]
        self.cause.choices = [SelectChoice("", str(_l("Any cause")))] + cause_choices(lang)
        self.where.choices = site_choices(sites, lang, _l("Anywhere"))
        self.where.choices.insert(1, SelectChoice("remote", str(_l("Remote"))))

    def criteria(self) -> dict:
        """Filters for services.needs_query.search_needs; values that did not validate are ignored."""
        self.validate()
        ok = lambda f: f.data if not f.errors else None  # noqa: E731
        where = ok(self.where) or ""
        return {
            "query": ok(self.q) or "",
            "status": ok(self.status) or None,
            "cause": ok(self.cause) or None,
            "site_id": int(where) if where.isdigit() else None,
            "remote": True if where == "remote" else None,
            "date_from": ok(self.date_from),
            "date_to": ok(self.date_to),
        }

