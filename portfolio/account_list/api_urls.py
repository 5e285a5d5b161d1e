from __future__ import annotations

from rest_framework.routers import SimpleRouter

from portfolio.account_list.api import AccountListViewSet

router = SimpleRouter()
router.register("accounts", AccountListViewSet, basename="account")

urlpatterns = router.urls
