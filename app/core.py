"""The core: one event in, what to say out, whatever the channel.

```mermaid
flowchart LR
    A[channel adapter] -- Source + Event --> C[Core.handle]
    C --> I[identity: account → person, role, scope, language]
    I --> R{route}
    R -- Command --> K[command's Access, then its use case]
    R -- Pick --> P[prefix's Access, then its use case]
    R -- Text --> S[account's session: the flow waiting for text]
    R -- Contact / unlinked text --> O[onboarding]
    R -- File --> M[imports]
    R -- unknown command, expired choice, stray text or message --> F[the core's own answer]
    K & P & S & O & M --> X[Ctx.out: Message, Alert, Document, …]
    X -- rendered by --> A
```

The core knows no messenger: adapters (channels/telegram, channels/zalo) translate their
updates into events and render the outputs. Access is checked here, once per route, before
any use case runs; the use case rechecks what depends on the data.
"""

from __future__ import annotations

import logging

from app.access import not_linked_text
from app.context import Ctx
from app.events import (
    Channel,
    Command,
    Contact,
    Edited,
    Event,
    FileIn,
    Pick,
    Presence,
    Source,
    Text,
    Unreadable,
)
from app.features import Registry
from app.services import Services
from app.ui import Out, choices_as_buttons
from domain.access import Actor
from domain.invite_codes import looks_like_code
from domain.models import Role
from locales import _, normalize_locale, use_locale
from storage.links import Identity
from storage.sessions import SessionRepository

log = logging.getLogger(__name__)
NOBODY = Identity(None, None, None, (), None)


async def resolve_actor(services: Services, source: Source) -> tuple[Actor, Identity]:
    """Who is asking (the account's person, role, headships, language) and with which scope."""
    settings = services.settings
    identity = NOBODY
    if source.account is not None:
        identity = await services.links.identity(source.account)
    person = identity.person
    headed: tuple[int, ...] = ()
    if person is not None and person.role in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
        headed = identity.headed_org_ids
    in_secretariat_chat = services.is_secretariat_chat(source.channel.value, source.chat_id)
    scope = None
    if in_secretariat_chat or (person is not None and person.role == Role.SECRETARIAT):
        scope = await services.secretariat_scope_id()
    actor = Actor(
        account=source.account,
        chat_id=source.chat_id,
        chat_type="private" if source.is_private else "group",
        locale=normalize_locale(identity.locale, settings.locale),
        person=person,
        headed_org_ids=headed,
        in_secretariat_chat=in_secretariat_chat,
        secretariat_scope_id=scope,
    )
    return actor, identity


class Core:
    def __init__(self, services: Services, registry: Registry) -> None:
        self.services = services
        self.registry = registry

    async def handle(self, source: Source, event: Event) -> list[Out]:
        actor, identity = await resolve_actor(self.services, source)
        ctx = Ctx(self.services, source, actor, self.registry, identity.link)
        with use_locale(actor.locale), choices_as_buttons(source.capabilities.buttons):
            await self._route(ctx, event, identity)
        return ctx.out

    async def _route(self, ctx: Ctx, event: Event, identity: Identity) -> None:
        source = ctx.source
        if isinstance(event, Edited):
            # An edit is never a command or an answer: a typo fixed in an old message must
            # not restart a flow or change a saved answer.
            if source.is_private:
                ctx.say(_("I read new messages only, not edits: please send the correction "
                          "as a new message."))
            return
        if isinstance(event, Presence):
            await self._presence(ctx, event.reachable)
            return
        if not self._may_answer(ctx, event):
            return  # a stranger's flood: answered a few times, then quiet
        await self._touch(ctx, identity)
        if isinstance(event, Command):
            await self._command(ctx, event)
        elif isinstance(event, Pick):
            await self._pick(ctx, event)
        elif isinstance(event, Text):
            await self._text(ctx, event.text)
        elif isinstance(event, Contact):
            hook = self.registry.contact_hook()
            if hook is not None and source.is_private:
                await hook(ctx, event)
        elif isinstance(event, FileIn):
            on_file = self.registry.file_hook()
            if on_file is not None:
                await on_file(ctx, event)
            elif source.is_private:
                self._not_understood(ctx)
        elif isinstance(event, Unreadable) and source.is_private:
            self._not_understood(ctx)

    def _not_understood(self, ctx: Ctx) -> None:
        if ctx.actor.person is None:
            ctx.say(not_linked_text())
        else:
            ctx.say(_("I did not understand that. Send /help to see what I can do."))

    def _may_answer(self, ctx: Ctx, event: Event) -> bool:
        """False for what a stranger (an account linked to nobody, in private) sends beyond
        their share of answers (app.flood.Throttle): every answer counts against the
        platform's per-chat limit. What links an account is always read: a shared contact,
        an invite code (wrong codes have their own limit, storage.invites)."""
        source = ctx.source
        if not source.is_private or ctx.actor.person is not None or source.account is None:
            return True
        if isinstance(event, Contact | Pick):
            return True  # a tap's answer is no message: it costs the chat nothing
        if isinstance(event, Text) and looks_like_code(event.text.strip()):
            return True
        if isinstance(event, Command) and event.name == "start" and event.args \
                and looks_like_code(event.args[0]):
            return True
        return self.services.strangers.allow(source.account)

    async def _touch(self, ctx: Ctx, identity: Identity) -> None:
        """A person who writes in private is reachable there, and that channel is theirs."""
        person, link = ctx.actor.person, ctx.link
        if person is None or link is None or not ctx.source.is_private:
            return
        channel = ctx.source.channel.value
        if link.unreachable_at is not None and link.chat_id == ctx.source.chat_id:
            await self.services.links.mark_unreachable(person.id, reachable=True,
                                                       channel=channel, chat_id=link.chat_id)
        if identity.last_channel != channel:
            await self.services.links.note_channel(person.id, channel)

    async def _presence(self, ctx: Ctx, reachable: bool) -> None:
        person = ctx.actor.person
        if person is None or not ctx.source.is_private:
            return
        await self.services.links.mark_unreachable(
            person.id, reachable=reachable, channel=ctx.source.channel.value,
            chat_id=ctx.source.chat_id)

    async def _command(self, ctx: Ctx, event: Command) -> None:
        spec = self.registry.commands.get(event.name)
        if spec is None or spec.run is None:
            if ctx.source.is_private and ctx.actor.person is None:
                ctx.say(not_linked_text())
            elif ctx.source.is_private or ctx.actor.in_secretariat_chat:
                ctx.say(_("I do not know this command. Send /help to see what I can do."))
            return  # other groups: quiet unless addressed by a known command
        refusal = spec.access.refusal(ctx.actor)
        if refusal is not None:
            ctx.alert(refusal)
            return
        await spec.run(ctx, event.args)

    async def _pick(self, ctx: Ctx, event: Pick) -> None:
        route = self.registry.pick_route(event.data)
        if route is None:
            ctx.expired()
            return
        refusal = route.access.refusal(ctx.actor)
        if refusal is not None:
            ctx.alert(refusal)
            return
        await route.run(ctx, event.data)

    async def _text(self, ctx: Ctx, text: str) -> None:
        source = ctx.source
        if not source.is_private:
            return  # a group's conversation is none of our business
        if ctx.actor.person is None:
            hook = self.registry.unlinked_text_hook()
            if hook is None or not await hook(ctx, text):
                ctx.say(not_linked_text())
            return
        if source.account is not None:
            session = await SessionRepository(self.services.db).get(source.account)
            flow = self.registry.text_flow(session.flow) if session else None
            if session is not None and flow is not None:
                refusal = flow.access.refusal(ctx.actor)
                if refusal is not None:
                    ctx.alert(refusal)
                    return
                await flow.run(ctx, session.ref, text)
                return
        self._not_understood(ctx)


def channel_of(name: str) -> Channel:
    return Channel(name)
