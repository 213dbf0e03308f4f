from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import ColumnElement

from app.auth.dependencies import get_current_user
from app.cv_versions import schemas
from app.kit.crud import Resource, crud_router
from app.models import CvVersion


# async: a plain def would run in the threadpool on every request
async def cv_filters(is_active: Annotated[bool | None, Query()] = None) -> list[ColumnElement[bool]]:
    return [CvVersion.is_active.is_(is_active)] if is_active is not None else []


router = crud_router(
    Resource(
        model=CvVersion,
        name="CV version",
        path="cv-versions",
        tag="cv versions",
        create_schema=schemas.CvVersionCreate,
        update_schema=schemas.CvVersionUpdate,
        read_schema=schemas.CvVersionRead,
        sort_enum=schemas.CvVersionSort,
        sort_columns={s.value: getattr(CvVersion, s.value) for s in schemas.CvVersionSort},
        default_sort="created_at",
        search_columns=[CvVersion.version_name, CvVersion.target_role, CvVersion.summary],
        filters=cv_filters,
        unique_message="You already have a CV version with this name.",
        current_user=get_current_user,
        description="Interviews can name the CV version they used (`cv_version_id`); deleting a "
        "version moves it to the trash; the interviews keep their link.",
    )
)
