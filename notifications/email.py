"""E-mail of notifications through Django's e-mail framework (EMAIL_* settings; the console
backend by default). Called by the tasks only, never in a request."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import EmailStatus, Kind, Notification
from notifications.selectors import language_of

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (KAM_SITE_URL) and the path."""
    if not path or path.startswith(("http://", "https://")):
        return path
    site: str = settings.KAM_SITE_URL
    return site.rstrip("/") + "/" + path.lstrip("/")


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail, once. True when sent; False when there was nothing to
    send (already sent or being sent by another task, or no longer wanted). The e-mail is
    claimed first (pending → sending, a conditional update), so a task delivered twice sends
    it once; an SMTP error gives it back (pending) and propagates to the task's retries. A
    worker killed while sending leaves it "being sent": at most once, never twice."""
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=EmailStatus.PENDING
    ).update(email_status=EmailStatus.SENDING)
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email:
        Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.NONE)
        return False
    with translation.override(language_of(user=notification.user)):
        body = notification.message
        if notification.url:
            body += f"\n\n{absolute_url(notification.url)}"
        body += "\n\n" + _("Your inbox: %(url)s") % {"url": absolute_url("/inbox/")}
        subject = _("KAM: %(kind)s") % {"kind": Kind(notification.kind).label}
    try:
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.PENDING)
        raise
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
    return True


def notification_email_failed(*, notification_id: int, error: BaseException) -> None:
    """The send gave up after its retries: logged, and the notification says so."""
    logger.error("Gave up e-mailing notification %s: %s", notification_id, error)
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.FAILED
    )


def digest_body(notifications: list[Notification]) -> str:
    """The day's items grouped by kind, each with its link, in the active language."""
    groups: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        groups[notification.kind].append(notification)
    count = len(notifications)
    lines = [
        ngettext(
            "%(count)s item since your last digest.",
            "%(count)s items since your last digest.",
            count,
        )
        % {"count": count},
        "",
    ]
    for kind in Kind.values:
        items = groups.get(kind)
        if not items:
            continue
        lines.append(_("%(kind)s (%(count)s)") % {"kind": Kind(kind).label, "count": len(items)})
        for item in items:
            link = f" {absolute_url(item.url)}" if item.url else ""
            lines.append(f"  - {item.message}{link}")
        lines.append("")
    lines.append(_("Your inbox: %(url)s") % {"url": absolute_url("/inbox/")})
    return "\n".join(lines)


def digests_send(*, until: datetime | None = None) -> int:
    """One e-mail per user with every notification waiting for the digest (created before
    `until`), grouped by kind; marked sent. A user whose send fails keeps theirs for the
    next digest. Returns the number of e-mails sent."""
    until = until or timezone.now()
    waiting = list(
        Notification.objects.filter(email_status=EmailStatus.DIGEST, created_at__lt=until)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in waiting:
        by_user[notification.user_id].append(notification)
    sent = 0
    for items in by_user.values():
        user = items[0].user
        if not user.email:
            continue
        with translation.override(language_of(user=user)):
            subject = _("KAM: your daily digest (%(count)s)") % {"count": len(items)}
            body = digest_body(items)
        try:
            send_mail(
                subject=subject,
                message=body,
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception as error:  # noqa: BLE001 - one user's failure must not stop the others
            logger.error("Could not send %s's digest: %s", user.username, error)
            continue
        with transaction.atomic():
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email_status=EmailStatus.SENT, emailed_at=timezone.now()
            )
        sent += 1
    return sent
