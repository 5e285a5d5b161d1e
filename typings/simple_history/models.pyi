import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

class HistoryManager(models.Manager[Any]):
    def bulk_history_create(
        self,
        objs: Sequence[models.Model],
        batch_size: int | None = ...,
        update: bool = ...,
        default_user: Any = ...,
        default_change_reason: str = ...,
        default_date: Any = ...,
        custom_historical_attrs: dict[str, Any] | None = ...,
    ) -> list[Any]: ...
    def as_of(self, date: Any) -> Any: ...
    def most_recent(self) -> models.Model: ...

class HistoricalRecords:
    # On a model class, `history` reads as the model's history manager.
    def __get__(self, instance: object, owner: type | None = ...) -> HistoryManager: ...
    context: threading.local
    cls: type[models.Model]
    def __init__(
        self,
        verbose_name: str | None = ...,
        bases: Sequence[type] = ...,
        user_related_name: str = ...,
        table_name: str | None = ...,
        inherit: bool = ...,
        excluded_fields: Sequence[str] | None = ...,
        history_id_field: models.Field[Any, Any] | None = ...,
        history_change_reason_field: models.Field[Any, Any] | None = ...,
        user_model: Any = ...,
        cascade_delete_history: bool = ...,
        custom_model_name: str | Callable[[str], str] | None = ...,
        app: str | None = ...,
        related_name: str | None = ...,
        use_base_model_db: bool = ...,
        user_db_constraint: bool = ...,
        no_db_index: bool | Sequence[str] = ...,
        excluded_field_kwargs: dict[str, Any] | None = ...,
        m2m_fields: Sequence[Any] = ...,
        m2m_fields_model_field_name: str = ...,
        m2m_bases: Sequence[type] = ...,
    ) -> None: ...
    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None: ...
    def add_extra_methods(self, cls: type[models.Model]) -> None: ...
    def post_save(
        self, instance: models.Model, created: bool, using: str | None = ..., **kwargs: Any
    ) -> None: ...
    def pre_delete(self, instance: models.Model, **kwargs: Any) -> None: ...
    def post_delete(
        self, instance: models.Model, using: str | None = ..., **kwargs: Any
    ) -> None: ...
    def create_historical_record(
        self, instance: models.Model, history_type: str, using: str | None = ...
    ) -> None: ...

class HistoricalChanges: ...
