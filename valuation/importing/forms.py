"""The upload form of the import page; the import itself validates every row."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from valuation.importing.services import ALLOWED_SUFFIXES
from valuation.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", _("Choose what the file holds"))] + list(ImportKind.choices),
        label=_("Kind"),
        error_messages={"required": _("Choose what the file holds.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, header row) or .xlsx. Large files import in the background."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
        *,
        kinds: list[str] | None = None,
    ) -> None:
        super().__init__(data, files)
        kind = self.fields["kind"]
        if kinds is not None and isinstance(kind, forms.ChoiceField):
            kind.choices = [("", _("Choose what the file holds"))] + [
                (value, label) for value, label in ImportKind.choices if value in kinds
            ]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
