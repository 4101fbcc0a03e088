"""An inspection's photos: checked and sealed by `core.photos`, kept as `InspectionPhoto` rows."""

from puhui.core import photos
from puhui.core.photos import CheckedPhoto
from puhui.stations.models import Inspection, InspectionPhoto

UPLOAD_DIR = "stations/photos"


def photos_check(files, *, already: int = 0, required: bool = False) -> list[CheckedPhoto]:
    return photos.photos_check(files, already=already, required=required, what="检查照片")


def photos_store(inspection: Inspection, checked: list[CheckedPhoto]) -> list[InspectionPhoto]:
    rows = photos.photos_seal(
        UPLOAD_DIR,
        checked,
        lambda c, relative: InspectionPhoto(
            inspection=inspection, path=relative, name=c.name, content_type=c.content_type,
            size=len(c.content), width=c.width, height=c.height, sha256=c.sha256,
        ),
    )  # fmt: skip
    return InspectionPhoto.objects.bulk_create(rows)


def photo_chunks(photo: InspectionPhoto):
    return photos.photo_chunks(photo.path)
