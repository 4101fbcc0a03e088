"""Upload size limits: moved to `puhui.core.uploads` (the API and settings use them too); re-exported here
for the callers that import them from this module."""

from puhui.core.uploads import (  # noqa: F401
    ATTRIBUTE,
    REFUSED,
    LimitedUploadHandler,
    default_limit,
    limit_for,
    refused,
    too_large_message,
    upload_limit,
)
