"""The shared files of a synthetic Hyperion-like project (one copy whatever the scale).

``app/dependencies.py`` (``get_db``, ``is_user``, ``is_user_in``, ``is_user_allowed_to``...),
``app/types/module.py`` (``CoreModule``, ``Module``), the ``Factory`` base, the SQLAlchemy
``Base`` and ``PrimaryKey``, ``ModulePermissions``, ``CoreUser``, ``GroupType``, ``Settings``
and a few tools. Written for this benchmark in the shape the modules expect; stdlib only.
"""

from __future__ import annotations

DEPENDENCIES = '''\
"""Dependencies of the routes: the database session, the settings and the current user."""

from collections.abc import AsyncGenerator, Callable, Coroutine
from functools import lru_cache
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.groups.groups_type import GroupType
from app.core.permissions.type_permissions import ModulePermissions
from app.core.users import models_users
from app.core.utils.config import Settings
from app.utils.tools import NotificationTool

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")


@lru_cache
def get_settings() -> Settings:
    """The settings, read once."""
    return Settings()


def get_session_maker(settings: Settings = Depends(get_settings)) -> async_sessionmaker:
    """A session factory bound to the configured database."""
    engine = create_async_engine(settings.DATABASE_URL)
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_db(request: Request) -> AsyncGenerator[AsyncSession]:
    """A session for one request: committed when the route succeeds, rolled back otherwise."""
    session_maker = request.app.state.session_maker
    async with session_maker() as db:
        try:
            yield db
        except Exception:
            await db.rollback()
            raise
        else:
            await db.commit()


async def get_unsafe_db(request: Request) -> AsyncGenerator[AsyncSession]:
    """A session the caller manages itself (websockets)."""
    session_maker = request.app.state.session_maker
    async with session_maker() as db:
        yield db


def get_notification_tool() -> NotificationTool:
    """The tool the routes send notifications with."""
    return NotificationTool()


async def get_token_data(token: str = Depends(oauth2_scheme)) -> dict[str, Any]:
    """The claims of the access token."""
    if not token:
        raise HTTPException(status_code=401, detail="Not authenticated")
    return {"sub": token}


def is_user(
    included_account_types: list[str] | None = None,
) -> Callable[..., Coroutine[Any, Any, models_users.CoreUser]]:
    """A dependency returning the current user, who must be authenticated."""

    async def is_user_dependency(
        request: Request,
        token_data: dict[str, Any] = Depends(get_token_data),
        db: AsyncSession = Depends(get_db),
    ) -> models_users.CoreUser:
        user = await db.get(models_users.CoreUser, token_data["sub"])
        if user is None:
            raise HTTPException(status_code=401, detail="Unknown user")
        if included_account_types and user.account_type not in included_account_types:
            raise HTTPException(status_code=403, detail="Account type not allowed")
        return user

    return is_user_dependency


def is_user_in(group_id: GroupType) -> Callable[..., Coroutine[Any, Any, models_users.CoreUser]]:
    """A dependency returning the current user, who must be a member of the group."""

    async def is_user_in_dependency(
        user: models_users.CoreUser = Depends(is_user()),
    ) -> models_users.CoreUser:
        if group_id not in user.group_ids:
            raise HTTPException(status_code=403, detail="Unauthorized, user is not in the group")
        return user

    return is_user_in_dependency


def is_user_allowed_to(
    permissions: list[ModulePermissions],
) -> Callable[..., Coroutine[Any, Any, models_users.CoreUser]]:
    """A dependency returning the current user, who must hold one of the permissions."""

    async def is_user_allowed_to_dependency(
        user: models_users.CoreUser = Depends(is_user()),
    ) -> models_users.CoreUser:
        if not any(permission in user.permissions for permission in permissions):
            raise HTTPException(status_code=403, detail="Unauthorized, missing permission")
        return user

    return is_user_allowed_to_dependency


async def is_user_an_ecl_member(
    user: models_users.CoreUser = Depends(is_user()),
) -> models_users.CoreUser:
    """The current user, who must be a member of the school."""
    if user.account_type != "student":
        raise HTTPException(status_code=403, detail="Unauthorized, user is not a member")
    return user
'''

MODULE = '''\
"""What a module of the application declares: its root, tag, router, factory and permissions."""

from fastapi import APIRouter

from app.core.permissions.type_permissions import ModulePermissions
from app.types.factory import Factory


class CoreModule:
    def __init__(
        self,
        root: str,
        tag: str,
        factory: Factory | None,
        router: APIRouter | None = None,
        permissions: type[ModulePermissions] | None = None,
    ):
        """
        :param root: the root of the module, used by the mobile app
        :param tag: the tag of the module, used by FastAPI
        :param factory: creates fake data for the module (development)
        :param router: an optional custom APIRouter
        :param permissions: the permissions the module declares
        """
        self.root = root
        self.router = router or APIRouter(tags=[tag])
        self.factory = factory
        self.permissions = permissions


class Module(CoreModule):
    def __init__(
        self,
        root: str,
        tag: str,
        factory: Factory | None,
        default_allowed_groups_ids: list[str] | None = None,
        router: APIRouter | None = None,
        permissions: type[ModulePermissions] | None = None,
    ):
        super().__init__(root=root, tag=tag, factory=factory, router=router, permissions=permissions)
        self.default_allowed_groups_ids = default_allowed_groups_ids
'''

FACTORY = '''\
from abc import ABC, abstractmethod

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.utils.config import Settings


class Factory(ABC):
    """Creates development data; `depends_on` lists the factories to run first."""

    depends_on: list[type["Factory"]]

    @classmethod
    @abstractmethod
    async def should_run(cls, db: AsyncSession) -> bool:
        """Whether the data is missing."""

    @classmethod
    @abstractmethod
    async def run(cls, db: AsyncSession, settings: Settings) -> None:
        """Add the data."""
'''

SQLALCHEMY = '''\
import uuid
from typing import Annotated

from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass, mapped_column

PrimaryKey = Annotated[uuid.UUID, mapped_column(primary_key=True)]


class Base(MappedAsDataclass, DeclarativeBase):
    """Base class of every model."""
'''

STANDARD_RESPONSES = '''\
from pydantic import BaseModel


class Result(BaseModel):
    success: bool = True
'''

TYPE_PERMISSIONS = '''\
from enum import StrEnum


class ModulePermissions(StrEnum):
    pass
'''

MODELS_USERS = '''\
from sqlalchemy.orm import Mapped, mapped_column

from app.types.sqlalchemy import Base


class CoreUser(Base):
    __tablename__ = "core_user"

    id: Mapped[str] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    firstname: Mapped[str]
    account_type: Mapped[str]
'''

GROUPS_TYPE = '''\
from enum import StrEnum


class GroupType(StrEnum):
    admin = "0a25cb76-4b63-4fd3-b939-da6d9feabf28"
    student = "39691052-2ae5-4e12-99d0-7a9f5f2b0136"
    staff = "5e7a1bb5-2b73-4e3a-8d1d-2a8ebc2d3a1f"
'''

CONFIG = '''\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    """Settings read from the environment."""

    DATABASE_URL: str = "sqlite+aiosqlite:///./hyperion.db"
    FACTORY_USER_ID: str = "00000000-0000-0000-0000-000000000000"
    MAX_FILE_SIZE: int = 4 * 1024 * 1024
'''

TOOLS = '''\
"""Helpers shared by the modules: files on disk, group membership, notifications."""

from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, UploadFile
from fastapi.responses import FileResponse

from app.core.groups.groups_type import GroupType
from app.core.users import models_users

DATA = Path("data")


@dataclass
class Message:
    """A push notification."""

    title: str
    content: str
    action_module: str


class NotificationTool:
    """Sends notifications; this benchmark's version only records them."""

    def __init__(self) -> None:
        self.sent: list[tuple[list[str], Message]] = []

    async def send_notification_to_users(self, user_ids: list[str], message: Message) -> None:
        self.sent.append((user_ids, message))


def is_user_member_of_any_group(user: models_users.CoreUser, groups: list[GroupType]) -> bool:
    """Whether the user belongs to one of the groups."""
    return any(group in getattr(user, "group_ids", ()) for group in groups)


def get_file_from_data(default_asset: str, directory: str, filename: str) -> FileResponse:
    """The stored file, or the default asset."""
    path = DATA / directory / filename
    return FileResponse(path if path.exists() else default_asset)


async def save_file_as_data(
    upload_file: UploadFile,
    directory: str,
    filename: str,
    max_file_size: int,
    accepted_content_types: list[str],
) -> None:
    """Store an uploaded file, refusing large or unexpected ones."""
    if upload_file.content_type not in accepted_content_types:
        raise HTTPException(status_code=400, detail="Invalid file format")
    content = await upload_file.read()
    if len(content) > max_file_size:
        raise HTTPException(status_code=413, detail="File too large")
    path = DATA / directory / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
'''

# Project-relative path -> source.
FILES = {
    "pyproject.toml": '[project]\nname = "hyperion-synthetic"\nversion = "0.0.0"\nrequires-python = ">=3.12"\n',
    "app/__init__.py": "",
    "app/dependencies.py": DEPENDENCIES,
    "app/types/__init__.py": "",
    "app/types/module.py": MODULE,
    "app/types/factory.py": FACTORY,
    "app/types/sqlalchemy.py": SQLALCHEMY,
    "app/types/standard_responses.py": STANDARD_RESPONSES,
    "app/core/__init__.py": "",
    "app/core/permissions/__init__.py": "",
    "app/core/permissions/type_permissions.py": TYPE_PERMISSIONS,
    "app/core/users/__init__.py": "",
    "app/core/users/models_users.py": MODELS_USERS,
    "app/core/groups/__init__.py": "",
    "app/core/groups/groups_type.py": GROUPS_TYPE,
    "app/core/utils/__init__.py": "",
    "app/core/utils/config.py": CONFIG,
    "app/modules/__init__.py": "",
    "app/utils/__init__.py": "",
    "app/utils/tools.py": TOOLS,
}
