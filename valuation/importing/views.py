"""The import page of ops: upload a file, follow its batch, download a template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kam.forms import form_errors_apply
from kam.rules import require
from kam.types import AuthenticatedHttpRequest
from valuation.importing import selectors as import_selectors
from valuation.importing import services as import_services
from valuation.importing.forms import ImportForm
from valuation.importing.kinds import SPECS
from valuation.importing.rules import IMPORT_REFUSED, can_import
from valuation.models import ImportBatch, ImportKind


@login_required
def import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a file: small files import in the request, big ones in the background."""
    require(can_import(request.user), IMPORT_REFUSED)
    oversized = import_services.upload_size_problem(size=request.META.get("CONTENT_LENGTH"))
    if request.method == "POST" and oversized:
        # Refused before Django reads (and stores) the body.
        messages.error(request, oversized)
        form = ImportForm(kinds=list(SPECS))
    else:
        form = ImportForm(request.POST or None, request.FILES or None, kinds=list(SPECS))
    if request.method == "POST" and not oversized and form.is_valid():
        try:
            batch = import_services.import_batch_create(
                kind=form.cleaned_data["kind"],
                created_by=request.user,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            if import_services.import_batch_start(batch=batch):
                messages.info(
                    request, _("The file imports in the background; this page follows it.")
                )
            return redirect("valuation:import-detail", batch_id=batch.pk)
    batches = import_selectors.import_batches_list()[:20]
    kinds = [
        {"value": spec.kind, "label": ImportKind(spec.kind).label, "columns": spec.columns}
        for spec in SPECS.values()
    ]
    return render(
        request,
        "valuation/import.html",
        {"form": form, "batches": batches, "kinds": kinds},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_detail(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    require(can_import(request.user), IMPORT_REFUSED)
    batch = get_object_or_404(import_selectors.import_batches_list(), pk=batch_id)
    rows_done = import_selectors.import_batch_rows_done(batch=batch)
    is_active = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    percent = None
    if batch.rows_total and is_active:
        percent = min(100, rows_done * 100 // batch.rows_total)
    return render(
        request,
        "valuation/import_detail.html",
        {
            "batch": batch,
            "rows_done": rows_done,
            "is_active": is_active,
            "percent": percent,
            "columns": SPECS[batch.kind].columns if batch.kind in SPECS else (),
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """A header-only CSV of the kind: the columns an import expects."""
    if kind not in SPECS:
        raise Http404(_("No such kind."))
    response = HttpResponse(",".join(SPECS[kind].columns) + "\n", content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response
