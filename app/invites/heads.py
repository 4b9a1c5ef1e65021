"""/mamoi (/invites): a unit or agency head asks for the invite codes of their people who are
not linked yet, to hand out.

```mermaid
stateDiagram-v2
    [*] --> Done: nobody left to link (said so)
    [*] --> Confirm: who is not linked, by unit (choices: a unit, all, cancel)
    Confirm --> Confirm: the list changed since it was shown (shown again, nothing created)
    Confirm --> Created: a unit or all (codes created, old unused ones revoked)
    Confirm --> [*]: cancel
    Created --> [*]: the codes as a message (name: code), and the DOCX of slips
```
A head sees only the units they head (an agency head: the agency). A choice names the unit
(0 = all) and a fingerprint of the people listed, and everything is recomputed when it comes
back: a forged or stale choice creates nothing. Every code is audited, with one entry for the
request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from app.context import Ctx
from app.invites import batch
from app.invites.choices import ALL_UNITS, CANCEL, codes_data, unpack
from app.ui import Choice, Role
from domain.access import scope_roots
from domain.org import OrgTree
from domain.text import fold_key
from locales import _, format_date, format_datetime, ngettext
from reports.invite_slips import slips_docx
from storage.invites import Candidate, Issued

MAX_UNIT_CHOICES = 10  # beyond that, "all" only: a screen of choices must stay readable
NAMES_SHOWN = 25  # names listed per unit on the confirmation screen (the rest counted)
LINES_PER_MESSAGE = 40  # lines of codes per message (phone-sized; Zalo cuts at 2000 characters)


async def _selection(ctx: Ctx, tree: OrgTree) -> batch.Selection:
    roots = [r for r in scope_roots(ctx.actor, tree) if r is not None]
    return await batch.select(ctx.services, tree, batch.subtree_ids(tree, roots))


async def ask(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    tree = await ctx.services.orgs.tree()
    if not [r for r in scope_roots(ctx.actor, tree) if r is not None]:
        ctx.say(escape(_("The roster names no unit that you head. Please ask the emulation "
                         "and commendation office.")))
        return
    await _show(ctx, tree, await _selection(ctx, tree))


async def _show(ctx: Ctx, tree: OrgTree, selection: batch.Selection, *,
                replace: bool = False) -> None:
    groups = selection.groups
    if not groups:
        ctx.say(escape(_("Everyone in the units you head is linked already: no code is "
                         "needed.")), replace=replace)
        return
    total = len(selection.candidates)
    lines = ["<b>" + escape(_("Invite codes")) + "</b>",
             escape(ngettext("{count} person of your units is not linked yet:",
                             "{count} people of your units are not linked yet:",
                             total).format(count=total))]
    for group in groups:
        shown = group.candidates[:NAMES_SHOWN]
        names = ", ".join(escape(c.person.full_name) + ("*" if c.pending_until else "")
                          for c in shown)
        if len(group.candidates) > len(shown):
            names += ", " + escape(_("and {count} more").format(
                count=len(group.candidates) - len(shown)))
        lines.append(f"\n<b>{escape(group.name)}</b> ({len(group.candidates)}): {names}")
    if selection.pending:
        lines.append("\n" + escape(_("* already has an unused code: a new code replaces it "
                                     "(the old one stops working).")))
    expires = ctx.now().date() + timedelta(days=ctx.services.settings.invite_ttl_days)
    lines.append("\n" + escape(_(
        "Each person gets a code that works once, until {date}, to link their Zalo or "
        "Telegram account. Create the codes?").format(date=format_date(expires))))
    choices: list[list[Choice]] = []
    if 1 < len(groups) <= MAX_UNIT_CHOICES:
        choices += [[Choice(f"🔑 {g.name} ({len(g.candidates)})",
                            codes_data(g.org_id, batch.version(g.candidates)))]
                    for g in groups]
        choices.append([Choice(_("🔑 All ({count})").format(count=total),
                               codes_data(ALL_UNITS, batch.version(selection.candidates)))])
    else:
        choices.append([Choice(ngettext("🔑 Create {count} code", "🔑 Create {count} codes",
                                        total).format(count=total),
                               codes_data(ALL_UNITS, batch.version(selection.candidates)))])
    choices.append([Choice(_("✖ Cancel"), CANCEL, Role.CANCEL)])
    ctx.say("\n".join(lines), choices, replace=replace)


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack(data)
    if pick is not None and pick.cancel:
        ctx.settle(escape(_("Cancelled: no code was created.")))
        return
    if pick is None:
        ctx.expired()
        return
    org_id, shown = pick.org, pick.shown
    tree = await ctx.services.orgs.tree()
    selection = await _selection(ctx, tree)
    groups = selection.groups if org_id == ALL_UNITS else \
        [g for g in selection.groups if g.org_id == org_id]
    candidates = [c for g in groups for c in g.candidates]
    if not candidates or batch.version(candidates) != shown:
        # A unit outside the head's scope, or a list that changed since it was shown: say
        # so and show the list as it is now; nothing is created.
        ctx.alert(_("The list has changed since (someone linked, or the roster changed): "
                    "please check it again."))
        await _show(ctx, tree, selection, replace=True)
        return
    who = ctx.who()
    issued = await batch.issue(ctx.services, candidates, who, batch={
        "by": "head", "org_ids": [g.org_id for g in groups]})
    revoked = sum(i.revoked for i in issued)
    expires = issued[0].expires_at.astimezone(ctx.tz)
    ctx.settle(escape(ngettext("✅ {count} invite code created.",
                               "✅ {count} invite codes created.",
                               len(issued)).format(count=len(issued))))
    _say_codes(ctx, tree, issued, expires, revoked)
    settings = ctx.services.settings
    slips = batch.slips(tree, issued, settings)
    ctx.busy("upload_document")
    name = groups[0].name if len(groups) == 1 else "tat-ca"
    ctx.document(_filename(name, ctx.now()), slips_docx(slips, batch.link_guide(settings)),
                 escape(_("Invite slips to print: cut along the dashed lines and hand each "
                          "person their own.")))


def _say_codes(ctx: Ctx, tree: OrgTree, issued: list[Issued], expires: datetime,
               revoked: int) -> None:
    """Name: code, by unit; a long list in several messages, cut between units."""
    codes = {i.person.id: i.code for i in issued}
    groups = batch.group(tree, [Candidate(i.person, (), None) for i in issued])
    message: list[str] = []
    for group in groups:
        block = [f"<b>{escape(group.name)}</b>"]
        block += [f"{escape(c.person.full_name)}: <code>{codes[c.person.id]}</code>"
                  for c in group.candidates]
        if message and len(message) + len(block) > LINES_PER_MESSAGE:
            ctx.say("\n".join(message))
            message = []
        message += ([""] if message else []) + block
    footer = [_("Valid until {expires}, once each. Hand each code to its person only: it "
                "links a chat account to their name.").format(expires=format_datetime(expires))]
    if revoked:
        footer.append(ngettext("{count} earlier unused code was revoked.",
                               "{count} earlier unused codes were revoked.",
                               revoked).format(count=revoked))
    message += ["", escape(" ".join(footer))]
    ctx.say("\n".join(message))


def _filename(name: str, now: datetime) -> str:
    slug = "-".join(w for w in "".join(c if c.isalnum() else " "
                                       for c in fold_key(name)).split() if w)[:40]
    return f"phieu-ma-moi-{slug or 'don-vi'}-{now:%Y%m%d}.docx"
