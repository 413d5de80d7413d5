"""Reading the package's TOML data (site profiles, lexicons) into validated models: a file
that cannot be read or does not fit its model raises :class:`ProfileError`, one line."""

from __future__ import annotations

import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from scraper.errors import ProfileError

FROZEN = ConfigDict(frozen=True, extra="forbid")
"""The configuration of every model read from a data file."""
_M = TypeVar("_M", bound=BaseModel)


def read_toml(path: Path | Traversable) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ProfileError(f"profile file not found: {path}") from error
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"cannot read {path}: {error}") from error


def validate_data(model: type[_M], data: dict[str, object], source: object) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ProfileError(f"invalid {model.__name__} in {source}: "
                           f"{one_line_errors(error)}") from error


def one_line_errors(error: ValidationError, limit: int = 3) -> str:
    """A validation error in one line: ``key.path: message`` for the first few.

    >>> from pydantic import BaseModel
    >>> class Urls(BaseModel):
    ...     hosts: list[str]
    >>> try:
    ...     Urls.model_validate({"hosts": 5})
    ... except ValidationError as error:
    ...     print(one_line_errors(error))
    hosts: Input should be a valid list
    """
    parts = [f"{'.'.join(str(step) for step in each['loc']) or 'top level'}: {each['msg']}"
             for each in error.errors()[:limit]]
    more = error.error_count() - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")



__all__ = ["FROZEN", "one_line_errors", "read_toml", "validate_data"]
