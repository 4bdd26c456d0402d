"""The employee profile form, and helpers shared with the need form (skill rows, errors, browser hints)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from empathy.core.errors import ServiceError
from empathy.core.fields import FloatField, IntegerField
from empathy.core.labels import localized, site_name, skill_label
from empathy.core.validation import field_message, form_field
from empathy.core.web import form_error
from empathy.data import load_causes
from empathy.models.profile_schemas import (
    LANGUAGES,
    LEVEL_NAMES,
    MAX_BIO,
    MAX_DEPARTMENT,
    MAX_HOURS_PER_MONTH,
    MAX_NEW_SKILLS_PER_SAVE,
    MAX_SKILL_NAME,
    MAX_SKILL_ROWS,
    MAX_YEARS,
    ProfileUpdate,
)

BLANK_ROWS = 3  # empty skill rows offered below the filled ones; "Add more rows" adds as many


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(n, f"{n} – {label}") for n, label in LEVEL_NAMES.items()]


def cause_choices(lang: str) -> list[SelectChoice]:
    return [SelectChoice(c["code"], localized(c, lang)) for c in load_causes()]


def site_choices(sites, lang: str, blank) -> list[SelectChoice]:
    return [SelectChoice("", str(blank))] + [
        SelectChoice(str(s.id), site_name(s, lang)) for s in sites
    ]


def language_choices() -> list[SelectChoice]:
    """The languages people speak and needs ask for, by code."""
    return [SelectChoice(code, str(name)) for code, name in LANGUAGES.items()]


class Hint:
    """Browser hints only (required, maxlength, min, max: the asterisk and the input's attributes).

    It refuses nothing: the schema families (empathy.models.need_schemas, profile_schemas) check the data,
    with one message per rule for the form, the API and the services alike."""

    def __init__(self, **flags):
        self.field_flags = flags

    def __call__(self, form, field) -> None:
        pass


def refuse_unoffered_site(form, field, name: str = "site") -> bool:
    """Put "Choose one of the listed sites." under `field` when its value is not among its choices (a site
    deactivated since the page was drawn), so it shows with the other errors of the same submit rather than
    after them, from the service. True when refused."""
    if field.data and field.data not in {str(value) for value, *_ in field.choices}:
        form_error(form, ServiceError(str(_l("Choose one of the listed sites.")), field=name))
        return True
    return False


def place_errors(form, exc: ValidationError) -> None:
    """A family's errors under their fields; a field WTForms could not read keeps its one message."""
    for err in exc.errors(include_url=False):
        name = form_field(err["loc"])
        field = form.error_field(name)
        if field is None or not field.errors:
            form_error(form, ServiceError(field_message(err), field=name))


class NumberField(FloatField):
    """A FloatField whose box shows a whole number as one (8, not 8.0) and a fraction as typed (3.5).

    The box keeps "." as its decimal mark whatever the language: browsers read number inputs that way."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        super().process_data(value)
        if self.data is None:  # a body with no form data (empty, or not UTF-8): no box ticked, not None
            self.data = []


class SkillRowForm(Form):
    name = StringField(_l("Skill"), validators=[Hint(maxlength=MAX_SKILL_NAME)])
    # validate_choice=False here and below: the profile family refuses a value off the list, in its own words.
    level = SelectField(_l("Level"), coerce=int, default=2, validate_choice=False)
    # Optional: an empty box is no years (and no "not a number" error).
    years = NumberField(_l("Years (optional)"), validators=[Optional(), Hint(min=0, max=MAX_YEARS)])
    remove = BooleanField(_l("Remove"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_choices()

    def validate(self, extra_validators=None) -> bool:
        return True if self.is_blank() else super().validate(extra_validators)

    def is_blank(self) -> bool:
        return self.remove.data or (not (self.name.data or "").strip() and self.years.data is None)


class SkillRowsMixin:
    """Rows of skills: blank or removed rows are skipped; service errors land on their row."""

    max_rows = MAX_SKILL_ROWS  # the page offers no more rows than the family accepts
    max_new = MAX_NEW_SKILLS_PER_SAVE

    def add_blank_rows(self, n: int = BLANK_ROWS) -> None:
        for _ in range(min(n, self.max_rows - len(self.skills.entries))):
            self.skills.append_entry()

    def kept_rows(self) -> list:
        self._row_index = [i for i, e in enumerate(self.skills.entries) if not e.form.is_blank()]
        return [self.skills.entries[i].form for i in self._row_index]

    def error_field(self, name: str):
        """The field a service's field name points at (skills-N-x: row N of the kept rows), or None."""
        if name.startswith("skills-"):
            _, index, sub = name.split("-", 2)
            rows = getattr(self, "_row_index", [])
            if index.isascii() and index.isdigit() and int(index) < len(rows):
                return getattr(self.skills.entries[rows[int(index)]].form, sub, None)
        return self._fields.get(name)


class ProfileForm(SkillRowsMixin, FlaskForm):
    skills = FieldList(FormField(SkillRowForm), min_entries=0)
    department = StringField(_l("Department"), validators=[Hint(maxlength=MAX_DEPARTMENT)])
    site_id = SelectField(_l("Site"), choices=[], validate_choice=False)  # the service knows the sites
    bio = TextAreaField(
        _l("Specialty and experience"),
        validators=[Hint(maxlength=MAX_BIO)],
        description=_l("What you do best and how it could help people in need."),
    )
    hours_per_month = IntegerField(_l("Hours per month you can give (h)"),
                                   validators=[Hint(required=True, min=0, max=MAX_HOURS_PER_MONTH)])
    available_weekdays = BooleanField(_l("Weekdays"))
    available_weekends = BooleanField(_l("Weekends"))
    available_evenings = BooleanField(_l("Evenings"))
    remote_ok = BooleanField(_l("Remote volunteering is possible for me"))
    travel_ok = BooleanField(_l("I can travel to needs at other sites"),
                             description=_l("Needs held in person at another site are suggested to you too."))
    languages = MultiCheckboxField(_l("Languages you speak"), choices=[], validate_choice=False)
    causes = MultiCheckboxField(_l("Causes you care about"), choices=[], validate_choice=False)
    is_suggestible = BooleanField(
        _l("Suggest me for needs"),
        description=_l("Coordinators may see you among suggested volunteers for needs that fit your skills."),
    )
    add_rows = SubmitField(_l("Add more rows"))
    submit = SubmitField(_l("Save profile"))

    def set_choices(self, *, sites, lang: str) -> None:
        self.site_id.choices = site_choices(sites, lang, _l("— Not set —"))
        self.languages.choices = language_choices()
        self.causes.choices = cause_choices(lang)

    def validate(self, extra_validators=None) -> bool:
        """WTForms reads the input; ProfileUpdate judges it, and its errors land on their fields."""
        parsed = super().validate(extra_validators)
        self._profile = None
        unoffered = refuse_unoffered_site(self, self.site_id)
        try:
            self._profile = ProfileUpdate.model_validate(self._written())
        except ValidationError as exc:
            place_errors(self, exc)
            return False
        return parsed and not unoffered

    def to_update(self) -> ProfileUpdate:
        """The profile as written (after a successful validate())."""
        return self._profile

    def error_field(self, name: str):
        # The family and the service name the site `site`; the form keeps its field `site_id`.
        return super().error_field("site_id" if name == "site" else name)

    def _written(self) -> dict:
        """The profile's fields (named as in ProfileUpdate) as WTForms read them; one it could not read is left out."""
        values = {name: self[name].data for name in ProfileUpdate.model_fields if name not in ("site", "skills")}
        values["site"] = self.site_id.data or None
        values["skills"] = [
            {k: v for k, v in {"name": r.name.data or "", "level": r.level.data, "years": r.years.data}.items()
             if v is not None}
            for r in self.kept_rows()]
        # An empty hours box is refused, not read as the default 8: the page marks it required.
        return {name: value for name, value in values.items() if value is not None or name == "hours_per_month"}


def profile_form(*, profile, skills, sites, lang: str, formdata=None) -> ProfileForm:
    """The profile form, filled from the request on POST or from the saved profile on GET."""
    if formdata is not None:
        form = ProfileForm(formdata=formdata)
    else:
        data = {
            "department": profile.department,
            "bio": profile.bio,
            "site_id": str(profile.site_id) if profile.site_id else "",
            "hours_per_month": profile.hours_per_month,
            "available_weekdays": profile.available_weekdays,
            "available_weekends": profile.available_weekends,
            "available_evenings": profile.available_evenings,
            "remote_ok": profile.remote_ok,
            "travel_ok": profile.travel_ok,
            "is_suggestible": profile.is_suggestible,
            "languages": list(profile.languages or []),
            "causes": list(profile.causes or []),
            "skills": [
                {"name": skill_label(s, lang), "level": es.level, "years": es.years} for es, s in skills
            ],
        }
        form = ProfileForm(formdata=None, data=data)
        form.add_blank_rows()
    form.set_choices(sites=sites, lang=lang)
    return form
