"""SQLModel tables. Every invariant that the database can hold is declared here."""

from empathy.models.accounts import ROLES, User, UserSession
from empathy.models.hours import HOURS_STATUSES, HoursRecord
from empathy.models.imports import IMPORT_STATES, ImportJob
from empathy.models.mail import OUTBOX_STATUSES, OutboxMessage
from empathy.models.matching import MatchModel, MatchRefitLock
from empathy.models.needs import MATCH_STATUSES, NEED_STATUSES, Match, Need, NeedSkill
from empathy.models.privacy import AUDIT_ACTIONS, CONSENT_KINDS, AuditEntry, Consent
from empathy.models.profiles import EmployeeProfile, EmployeeSkill, Site, Skill, SkillKey, skill_keys
from empathy.models.ratelimit import RateLimitCounter
from empathy.models.scim import ProvisioningToken, ScimGroup, ScimGroupMember, ScimUser, Setting
from empathy.models.sso import ExternalIdentity
from empathy.models.statuses import HoursStatus, MatchStatus, NeedStatus
from empathy.models.submissions import FormSubmission
from empathy.models.tokens import ApiToken
from empathy.models.two_factor import TwoFactor
from empathy.models.workflow import (
    CREDENTIAL_KINDS,
    CalendarFeed,
    Credential,
    MatchReminder,
    NeedCredential,
    Notification,
)

__all__ = [
    "AUDIT_ACTIONS",
    "AuditEntry",
    "CONSENT_KINDS",
    "Consent",
    "ApiToken",
    "CREDENTIAL_KINDS",
    "Credential",
    "MatchReminder",
    "CalendarFeed",
    "NeedCredential",
    "Notification",
    "HOURS_STATUSES",
    "IMPORT_STATES",
    "ImportJob",
    "MATCH_STATUSES",
    "NEED_STATUSES",
    "OUTBOX_STATUSES",
    "ROLES",
    "EmployeeProfile",
    "ExternalIdentity",
    "EmployeeSkill",
    "FormSubmission",
    "HoursRecord",
    "HoursStatus",
    "Match",
    "MatchModel",
    "MatchRefitLock",
    "MatchStatus",
    "Need",
    "NeedSkill",
    "NeedStatus",
    "OutboxMessage",
    "ProvisioningToken",
    "RateLimitCounter",
    "ScimGroup",
    "ScimGroupMember",
    "ScimUser",
    "Setting",
    "Site",
    "Skill",
    "SkillKey",
    "TwoFactor",
    "User",
    "UserSession",
    "skill_keys",
]
