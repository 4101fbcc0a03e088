"""A 流动银行 event's photos: checked and sealed by `core.photos`, kept as `EventPhoto` rows."""

from puhui.core import photos
from puhui.core.photos import CheckedPhoto
from puhui.outreach.models import EventPhoto, MobileEvent

UPLOAD_DIR = "outreach/photos"


def photos_check(files, *, already: int = 0, required: bool = False) -> list[CheckedPhoto]:
    return photos.photos_check(files, already=already, required=required, what="活动照片")


def photos_store(event: MobileEvent, checked: list[CheckedPhoto]) -> list[EventPhoto]:
    rows = photos.photos_seal(
        UPLOAD_DIR,
        checked,
        lambda c, relative: EventPhoto(
            event=event, path=relative, name=c.name, content_type=c.content_type,
            size=len(c.content), width=c.width, height=c.height, sha256=c.sha256,
        ),
    )  # fmt: skip
    return EventPhoto.objects.bulk_create(rows)


def photo_chunks(photo: EventPhoto):
    return photos.photo_chunks(photo.path)
