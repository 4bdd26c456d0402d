"""Pure matching engine: employees' skills to volunteering needs (numpy/scipy/scikit-learn only).

Nothing here imports Flask, the database or any other part of ``empathy``.
"""
from .documents import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, Suggestion
from .filters import availability_mask, employee_mask, exclusion_mask, need_mask, site_mask
from .model import SkillMatcher
from .persistence import MODEL_FORMAT, StaleModelError, library_fingerprint, load_model, model_bytes, save_model
from .taxonomy import SHIPPED_TAXONOMY, Taxonomy, load_taxonomy
from .text import normalize, tokenize

__all__ = [
    "EmployeeDoc", "EmployeeSkill", "NeedDoc", "NeedSkill", "SkillMatcher", "Suggestion", "Taxonomy",
    "load_taxonomy", "SHIPPED_TAXONOMY", "save_model", "load_model", "model_bytes", "MODEL_FORMAT",
    "StaleModelError", "library_fingerprint",
    "availability_mask", "site_mask", "exclusion_mask", "employee_mask", "need_mask", "normalize", "tokenize",
]
