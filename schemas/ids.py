"""An overdracht's id, derived from its child's: opening twice, or a retry after a crash, reaches the
same workflow, and the cleanup of a child without an overdracht finds the workflow that may be waiting
to open it. The child's id is itself opaque; nothing personal can be read back from either."""

import uuid
from uuid import UUID

_OVERDRACHT_NAMESPACE = uuid.UUID("5b0f6f4e-6c1c-4d8e-9a43-0f1d2a7c9e10")


def overdracht_id_for(kind_id: UUID) -> UUID:
    return uuid.uuid5(_OVERDRACHT_NAMESPACE, str(kind_id))
