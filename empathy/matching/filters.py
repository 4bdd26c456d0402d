"""Hard filters as vectorised boolean masks over a pool (unit-testable without a model).

Every mask is a bool array with one entry per pool row (dead rows included); site codes are
non-negative integers, negative for "no site given" (``encoding.NO_SITE``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


def availability_mask(runs_weekdays: bool, runs_weekends: bool, weekdays: np.ndarray,
                      weekends: np.ndarray) -> np.ndarray:
    """Employees free on at least one kind of day the need runs on (``weekdays``/``weekends``: per employee)."""
    return (runs_weekdays & weekdays) | (runs_weekends & weekends)


def site_mask(need_site: int, need_remote: bool, sites: np.ndarray, remote: np.ndarray) -> np.ndarray:
    """Same site unless either side is remote; a negative site code means "no site given".

    A need without a site accepts every site; an employee without a site only fits
    needs without one (or remote ones).
    """
    if need_remote or need_site < 0:
        return np.ones(sites.shape, dtype=bool)
    return remote | (sites == need_site)


def exclusion_mask(n: int, positions: Mapping[str, int], excluded_ids: Iterable[str]) -> np.ndarray:
    """False at the rows (of ``n``) whose id the caller excludes (e.g. already matched); unknown ids are ignored."""
    mask = np.ones(n, dtype=bool)
    rows = [positions[i] for i in excluded_ids if i in positions]
    mask[rows] = False
    return mask


def employee_mask(attrs: Mapping[str, np.ndarray], need_attrs: Mapping[str, object], positions: Mapping[str, int],
                  excluded_ids: Iterable[str] = ()) -> np.ndarray:
    """Every hard filter for ranking employees for one need.

    ``attrs`` are the employee pool's columns (``alive``, ``active``, ``suggestible``, ``weekdays``,
    ``weekends``, ``site``, ``remote``); ``need_attrs`` the need's ``weekdays``, ``weekends``,
    ``remote`` and ``site``.
    """
    mask = attrs["alive"] & attrs["active"] & attrs["suggestible"]
    mask &= availability_mask(bool(need_attrs["weekdays"]), bool(need_attrs["weekends"]), attrs["weekdays"],
                              attrs["weekends"])
    if not need_attrs["remote"]:
        mask &= site_mask(int(need_attrs["site"]), False, attrs["site"], attrs["remote"])
    mask &= exclusion_mask(mask.shape[0], positions, excluded_ids)
    return mask


def need_mask(attrs: Mapping[str, np.ndarray], employee_attrs: Mapping[str, object], positions: Mapping[str, int],
              excluded_ids: Iterable[str] = ()) -> np.ndarray:
    """Every hard filter for ranking needs for one employee (who must be suggestible and active).

    ``attrs`` are the need pool's columns, ``employee_attrs`` the employee's; the same rules as
    :func:`employee_mask` seen from the other side.
    """
    n = attrs["alive"].shape[0]
    if not (employee_attrs["active"] and employee_attrs["suggestible"]):
        return np.zeros(n, dtype=bool)
    mask = attrs["alive"] & attrs["active"]
    mask &= ((attrs["weekdays"] & bool(employee_attrs["weekdays"]))
             | (attrs["weekends"] & bool(employee_attrs["weekends"])))
    if not employee_attrs["remote"]:
        site = int(employee_attrs["site"])
        without_site = attrs["remote"] | (attrs["site"] < 0)
        mask &= (without_site | (attrs["site"] == site)) if site >= 0 else without_site
    mask &= exclusion_mask(n, positions, excluded_ids)
    return mask
