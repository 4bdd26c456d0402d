"""Single sign-on: OpenID Connect sign-in through the installation's identity providers, and the
"single sign-on only" mode that turns passwords off for everyone but the break-glass administrators."""
