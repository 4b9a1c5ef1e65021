"""/sangkien (/initiatives): the initiatives register (sáng kiến, đề tài).

Everyone sees the initiatives they author, with what rests on each (results, registrations)
and a warning when one grounds more than one title or year; heads and the secretariat search
the register by title within their scope (`/sangkien so hoa`). Authors outside the reader's
scope are counted, not named. Reading only.
"""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.results.history import refused, viewer
from domain.results_import import initiative_views
from locales import _
from reports.initiatives import initiative_block
from reports.messages import split_blocks
from storage.initiatives import InitiativeRepository

SHOWN = 10


async def initiatives_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    if refused(ctx):
        return
    seen = await viewer(ctx)
    repo = InitiativeRepository(ctx.services.db)
    text = " ".join(args).strip()
    if text and seen.roots:
        views = initiative_views(await repo.search(text, seen.tree, seen.roots,
                                                     limit=SHOWN))
        heading = _("Initiatives and research topics matching “{text}”").format(text=text)
        empty = _("No initiative matching “{text}” within what you may see.").format(text=text)
    elif seen.person is not None:
        views = initiative_views(await repo.of_people([seen.person.id]))
        heading = _("Your initiatives and research topics")
        empty = _("No initiative or research topic of yours is on the register yet.")
    else:
        ctx.say(escape(_("To search the initiatives register, send /sangkien with words of a "
                         "title, for example /sangkien so hoa.")))
        return
    if not views:
        ctx.say(escape(empty))
        return
    ids = {a for v in views for a in v.initiative.authors}
    people = {p.id: p for p in await ctx.services.people.all() if p.id in ids}

    def author(person_id: int) -> str | None:
        person = people.get(person_id)
        return person.full_name if person is not None and seen.sees_person(person) else None

    year = ctx.today().year
    blocks = [f"<b>{escape(heading)}</b>"]
    blocks += [initiative_block(v, author, year) for v in views]
    for message in split_blocks(blocks, ctx.caps.max_text - 100):
        ctx.say(message)
