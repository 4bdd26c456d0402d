"""WTForms forms; every form carries a CSRF token (Flask-WTF)."""
