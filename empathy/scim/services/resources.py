"""What `/scim/v2` publishes, described with the models of scim2-models: the schemas (only the attributes
Empathy keeps, so that what a client writes reads back the same), the resource types, the service
provider configuration, and the conversion of accounts and groups to SCIM resources.

Attributes Empathy keeps for a user: userName, name (formatted, givenName, familyName), displayName,
active, emails (the sign-in address), externalId, the enterprise extension's department, and the groups
(read-only). Requests are read with the full models, so a client may send more (Microsoft Entra sends
title, addresses, ...): what is not kept is ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Mutability,
    Patch,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

ScimUserModel = User[EnterpriseUser]
ENTERPRISE = str(EnterpriseUser.__schema__)
MAX_RESULTS = 200  # a page of a list holds at most this many resources (`count` is capped to it)

# What each published schema keeps: attribute -> the sub-attributes kept (None: a simple attribute).
USER_ATTRIBUTES: dict[str, set[str] | None] = {
    "userName": None, "name": {"formatted", "givenName", "familyName"}, "displayName": None, "active": None,
    "emails": {"value", "type", "primary"}, "groups": {"value", "$ref", "display", "type"},
}
ENTERPRISE_ATTRIBUTES: dict[str, set[str] | None] = {"department": None}
GROUP_ATTRIBUTES: dict[str, set[str] | None] = {"displayName": None, "members": {"value", "$ref"}}
# Required in what Empathy publishes though optional in RFC 7643: an account always has an address and a state.
REQUIRED = {"emails", "emails.value", "active"}


def _kept(schema: Schema, keep: dict[str, set[str] | None]) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in keep:
            continue
        attribute = attribute.model_copy(deep=True)
        if attribute.name in REQUIRED:
            attribute.required = Required.true
        subs = keep[attribute.name]
        if subs is not None:
            attribute.sub_attributes = [s for s in attribute.sub_attributes or [] if s.name in subs]
            for sub in attribute.sub_attributes:
                if f"{attribute.name}.{sub.name}" in REQUIRED:
                    sub.required = Required.true
                if attribute.name == "members" and sub.name == "$ref":
                    sub.reference_types = ["User"]  # only accounts are members
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def schemas(base_url: str) -> list[Schema]:
    """The User, enterprise User and Group schemas as published (RFC 7643 §7)."""
    out = []
    for model, keep in ((User, USER_ATTRIBUTES), (EnterpriseUser, ENTERPRISE_ATTRIBUTES), (Group, GROUP_ATTRIBUTES)):
        schema = _kept(model.to_schema(), keep)
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
        out.append(schema)
    return out


def resource_types(base_url: str) -> list[ResourceType]:
    """The User (with the enterprise extension) and Group resource types (RFC 7643 §6)."""
    out = []
    for model in (ScimUserModel, Group):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = Meta(resource_type="ResourceType", location=f"{base_url}/ResourceTypes/{resource_type.id}")
        out.append(resource_type)
    return out


def service_provider_config(base_url: str, documentation_uri: str | None = None) -> ServiceProviderConfig:
    """What the service supports (RFC 7643 §5): PATCH and filtering yes; bulk, sort, ETags and password changes no."""
    config = ServiceProviderConfig(
        documentation_uri=documentation_uri,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken, name="Provisioning token",
            description="A bearer token an administrator of Empathy creates on the Provisioning page.",
            primary=True)],
    )
    config.meta = Meta(resource_type="ServiceProviderConfig", location=f"{base_url}/ServiceProviderConfig")
    return config


def kept_user_state(resource: Any) -> dict[str, Any]:
    """The attributes of a user resource kept as sent (those without a column): displayName and name."""
    dumped = resource.model_dump(exclude_none=True, by_alias=True, mode="json")
    out: dict[str, Any] = {}
    if dumped.get("displayName"):
        out["displayName"] = dumped["displayName"]
    name = {k: v for k, v in (dumped.get("name") or {}).items() if k in USER_ATTRIBUTES["name"] and v}
    if name:
        out["name"] = name
    return out


def meta(resource_type: str, location: str, created: datetime | None, modified: datetime | None) -> dict:
    return {"resourceType": resource_type, "location": location,
            "created": created.isoformat() if created else None,
            "lastModified": modified.isoformat() if modified else None}


__all__ = ["ENTERPRISE", "MAX_RESULTS", "ScimUserModel", "URN", "Mutability", "kept_user_state", "meta",
           "resource_types", "schemas", "service_provider_config"]
