"""A large file uploaded on the import page runs in a real Celery worker: the page answers at
once, the worker loads the file into a segment of its own, and the page then shows the
result."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.celery_worker import wait_for
from tests.factories import AccountFactory
from tests.valuation.factories import ActivityTypeFactory
from valuation.importing import services as import_services
from valuation.importing.segments import MAIN_ID_LIMIT
from valuation.models import ImportBatch, ServiceActivity

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_large_upload_is_imported_by_the_worker_into_a_segment(
    owner: Any, ops_client: Any, start_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a file the page hands to the background (every file is "large" here), and a
    # worker for which a file of 3 rows is large enough for a segment
    AccountFactory(owner=owner, external_id="A-1")
    ActivityTypeFactory(code="order-handling")
    monkeypatch.setattr(import_services, "INLINE_IMPORT_MAX_BYTES", 0)
    start_worker(MEDIA_ROOT=str(Path(settings.MEDIA_ROOT)), KAM_IMPORT_SEGMENT_ROWS="3")
    content = (
        "account,activity_type,date,quantity\n"
        "A-1,order-handling,2026-11-02,1.5\n"
        "A-1,order-handling,2026-11-03,2\n"
        "A-1,order-handling,2026-11-04,0.25\n"
    )

    # when ops uploads it
    response = ops_client.post(
        "/imports/",
        {
            "kind": "activities",
            "file": SimpleUploadedFile("activities.csv", content.encode(), "text/csv"),
        },
    )

    # then the page answers at once, the worker imports the file into a segment, and the
    # batch's page shows the result
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status in ("succeeded", "failed"))
    batch.refresh_from_db()
    assert batch.status == "succeeded", batch.errors
    assert batch.rows_created == 3
    assert sorted(ServiceActivity.objects.values_list("quantity", flat=True)) == [
        Decimal("0.25"),
        Decimal("1.50"),
        Decimal("2.00"),
    ]
    # ids of a segment: the worker's setting (3 rows), not this process's, chose the lane
    assert min(ServiceActivity.objects.values_list("id", flat=True)) >= MAIN_ID_LIMIT
    page = ops_client.get(response["Location"])
    assert "Succeeded" in page.content.decode()
    assert "Imported 3 row(s)" in page.content.decode()
