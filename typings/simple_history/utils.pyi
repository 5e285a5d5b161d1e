from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model

_M = TypeVar("_M", bound=Model)

def bulk_create_with_history(
    objs: Iterable[_M],
    model: type[_M],
    batch_size: int | None = ...,
    ignore_conflicts: bool = ...,
    default_user: Any = ...,
    default_change_reason: str | None = ...,
    default_date: Any = ...,
    custom_historical_attrs: dict[str, Any] | None = ...,
) -> list[_M]: ...
def update_change_reason(instance: Model, reason: str) -> None: ...
