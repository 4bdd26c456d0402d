"""Provisioning over SCIM 2.0 (RFC 7643/7644): an HR system or identity provider creates, updates,
deactivates and deletes accounts, and gives roles through three groups."""
