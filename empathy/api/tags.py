"""The sections of the API document. Several domains add operations to one section, so the tags live here.

The document lists the sections in the order their first operation is defined: `API_MODULES` in
`empathy/__init__.py` imports the domains' API modules in that order (admin, account, skills, needs,
matches). Import tags from here, never from another domain's API module, so that importing one API
module never defines another's operations early.
"""

from __future__ import annotations

from flask_openapi3 import Tag

ADMIN = Tag(name="admin", description="Administration and reports")
ACCOUNT = Tag(name="account", description="Tokens, your profile, suggestions and notifications")
SKILLS = Tag(name="skills", description="The skill taxonomy")
NEEDS = Tag(name="needs", description="Welfare needs and the people who help with them")
MATCHES = Tag(name="matches", description="One person's sign-up for one need, and its hours")
