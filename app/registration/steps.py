"""Where a draft stands and how it is shown: the screen of each step, and opening a subject's
registration (refusal, resume, show or start)."""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.registration import screens
from app.registration.choices import RegistrationPick, year_data
from app.registration.scene import (
    Scene,
    draft_repo,
    registration_repo,
    scene_for,
    window_problem,
    window_repo,
)
from app.ui import Choice, Rows
from domain.drafts import Draft
from domain.figures import MemberFigures, SubjectFacts, subject_facts
from domain.on_record import fill_proven, from_record, proven_answers, record_scopes
from domain.open_now import open_windows, task_state
from domain.records import Registration
from domain.registrants import registrable_titles
from domain.registration import (
    asking_order,
    expand_implied,
    needed_questions,
    next_question,
    question_count,
    review,
)
from domain.results import RecordFacts
from domain.rules import (
    ChoiceQuestion,
    Question,
    RuleSet,
    SubjectKind,
    YesNoQuestion,
)
from domain.subjects import Subject
from domain.tally import count_people
from domain.windows import RegistrationWindow
from locales import _, format_date
from reports.open_now import ICONS
from reports.rule_warnings import figures_note
from storage.results import ResultsRepository
from storage.summary import SummaryStore


def next_step(ruleset: RuleSet, draft_titles: frozenset[str], answers: dict,
              kind: SubjectKind) -> str:
    question = next_question(ruleset, draft_titles, answers, subject=kind)
    return f"q:{question.key}" if question is not None else "review"


async def record_of(ctx: Ctx, scene: Scene, subject: Subject) -> RecordFacts | None:
    """The subject's results on record, when the rule set reads any for its kind."""
    ruleset = scene.ruleset
    if not any(subject.kind in rule.subjects for rule in ruleset.record.years) \
            and (subject.person_id is None or ruleset.record.initiatives is None):
        return None
    scopes = record_scopes(ruleset, subject.kind, scene.tree, subject.org_id)
    return await ResultsRepository(ctx.services.db).record_facts(subject, scopes)


async def proven(ctx: Ctx, scene: Scene, subject: Subject, year: int,
                 titles: frozenset[str]) -> dict[str, list[int]]:
    """The years answers the subject's record proves for a registration of `year` of these
    titles (none, and no read of the record, when the titles ask no question it answers)."""
    ruleset = scene.ruleset
    provable = {r.question for r in ruleset.record.years if subject.kind in r.subjects}
    asked = {q.key for q in asking_order(ruleset, expand_implied(ruleset, titles))}
    if not provable & asked:
        return {}
    record = await record_of(ctx, scene, subject)
    if record is None:
        return {}
    return proven_answers(scene.ruleset, subject.kind, record, year)


async def advance(ctx: Ctx, scene: Scene, subject: Subject, year: int,
                  titles: frozenset[str], answers: dict) -> tuple[dict, str]:
    """The answers with what the record proves filled in (never asked), and the next step."""
    found = await proven(ctx, scene, subject, year, titles)
    if found:
        answers = fill_proven(scene.ruleset, titles, answers, subject.kind, found)
    return answers, next_step(scene.ruleset, titles, answers, subject.kind)


async def show(ctx: Ctx, scene: Scene, draft: Draft, *, edit: bool = False,
               note: str | None = None) -> None:
    """The screen of the draft's step: a new message, or (a tick) the tapped one edited."""
    text, choices, question = await _screen(ctx, scene, draft)
    if note:
        text = f"<i>{escape(note)}</i>\n{text}"
    typed = question is not None and not isinstance(question, ChoiceQuestion | YesNoQuestion)
    ctx.say(text, choices, replace=edit, multi=draft.step == "titles", expects_text=typed)


async def _screen(ctx: Ctx, scene: Scene, draft: Draft
                  ) -> tuple[str, Rows, Question | None]:
    ruleset = scene.ruleset
    kind = draft.subject.kind
    if draft.step == "titles":
        titles = registrable_titles(ruleset, ctx.actor, scene.tree, draft.subject)
        return (*screens.titles_screen(scene, draft, titles), None)
    if draft.step.startswith("q:"):
        key = draft.step[2:]
        needed = needed_questions(ruleset, draft.titles, draft.answers, subject=kind)
        found = await proven(ctx, scene, draft.subject, draft.year, draft.titles)
        recorded = from_record(draft.answers, found)
        needed = [q for q in needed if q.key not in recorded or q.key == key]
        keys = [q.key for q in needed]
        if key in keys:
            question = needed[keys.index(key)]
            everything = expand_implied(ruleset, draft.titles)
            asked_by = [t for t in ruleset.titles
                        if t.code in everything and t.applies_to(kind)
                        and any(ref.key == key for ref in t.questions)]
            figure: str | None = getattr(question, "figure", None)
            facts = await _facts(ctx, scene, draft) if figure else None
            note = figures_note(figure, facts.figures) \
                if figure and facts and facts.figures else None
            # The count never grows (question_count); what the record proves is not asked.
            total = question_count(ruleset, draft.titles, draft.answers, subject=kind) \
                - sum(1 for k in recorded if k != key)
            text, choices = screens.question_screen(draft, question, keys.index(key) + 1,
                                                    total, asked_by, note=note)
            filled = screens.recorded_lines(ruleset, draft, recorded)
            return ("\n".join([*filled, text]) if filled else text), choices, question
    facts = await _facts(ctx, scene, draft)
    rv = review(ruleset, draft.titles, draft.answers, subject=kind, year=draft.year,
                facts=facts)
    editing = await registration_repo(ctx).current(draft.year, draft.subject)
    recorded = from_record(draft.answers, proven_answers(ruleset, kind, facts.record, draft.year)
                           if facts.record is not None else {})
    return (*screens.review_screen(scene, draft, rv, list(rv.warnings), editing,
                                   recorded=recorded), None)


async def _facts(ctx: Ctx, scene: Scene, draft: Draft) -> SubjectFacts:
    """The subject's agency and bloc, for a collective its members' registrations, and its
    results on record."""
    subject, tree = draft.subject, scene.tree
    figures = None
    if subject.kind != SubjectKind.PERSON and subject.org_id in tree:
        members = tree.subtree_ids(subject.org_id)
        rows = await SummaryStore(ctx.services.db).people_rows(draft.year, members)
        figures = MemberFigures.of(count_people(scene.ruleset, rows).total(members))
    record = await record_of(ctx, scene, subject)
    return subject_facts(tree, subject.kind, subject.org_id, figures, record)


def current_question(scene: Scene, draft: Draft) -> Question | None:
    if not draft.step.startswith("q:"):
        return None
    key = draft.step[2:]
    needed = needed_questions(scene.ruleset, draft.titles, draft.answers,
                              subject=draft.subject.kind)
    return next((q for q in needed if q.key == key), None)


async def save_answer(ctx: Ctx, scene: Scene, draft: Draft, question: Question,
                      value: object, *, edit: bool = False) -> None:
    """Save an answer and show what comes next: in place of the question when it was
    chosen from it (`edit`), as a new message under what the person typed otherwise."""
    answers, step = await advance(ctx, scene, draft.subject, draft.year, draft.titles,
                                  {**draft.answers, question.key: value})
    updated = await draft_repo(ctx).update_draft(draft.id, draft.version, ctx.who(),
                                                 answers=answers, step=step, current=draft)
    if updated is None:  # changed meanwhile (another device, a co-head): show where it is now
        fresh = await draft_repo(ctx).draft_by_id(draft.id)
        if fresh is None:
            ctx.say(escape(_("This registration form is closed.")))
            return
        await show(ctx, scene, fresh, note=changed_elsewhere())
        return
    saved = _("✔ Saved: {answer}").format(answer=screens.plain_value(question, value))
    await show(ctx, scene, updated, note=saved, edit=edit)


def changed_elsewhere() -> str:
    return _("This registration was changed elsewhere meanwhile; here is where it stands now.")


async def begin(ctx: Ctx, subject: Subject, *, edit: bool = False,
                year: int | None = None) -> None:
    """Open the subject's registration: refusal with dates, resume, show, or start; in place
    of the tapped message when `edit` (a collective picked from a list). With two windows
    open for the subject (this year's and next year's) and no `year`, ask which."""
    if year is None and await ask_year(ctx, subject, edit=edit):
        return
    scene = await scene_for(ctx, subject, year=year)
    problem = window_problem(scene, ctx.today())
    if problem is not None:
        ctx.say(escape(problem))
        return
    assert scene.window is not None and ctx.actor.person is not None
    year = scene.window.year
    draft = await draft_repo(ctx).draft(year, subject)
    if draft is not None:
        await draft_repo(ctx).remember(ctx.who(), draft)
        await show(ctx, scene, draft, note=_("You have an unfinished registration; carrying on "
                                              "from where you stopped."), edit=edit)
        return
    current = await registration_repo(ctx).current(year, subject)
    if current is not None and current.is_confirmed:
        show_confirmed(ctx, scene, current)
        return
    draft = await draft_repo(ctx).start_draft(year, subject, ctx.actor.person.id, ctx.who())
    await show(ctx, scene, draft, edit=edit)


def show_confirmed(ctx: Ctx, scene: Scene, registration: Registration) -> None:
    lines = ["<b>" + escape(_("Emulation registration {year}").format(year=registration.year))
             + "</b>", scene.heading(), *screens.registration_block(scene.ruleset,
                                                                    registration, ctx.tz), "",
             escape(_("This registration is confirmed. Do you want to change or withdraw it?"))]
    ctx.say("\n".join(lines), registration_choices(registration))


def registration_choices(registration: Registration) -> Rows:
    return ((
        Choice(_("✏️ Edit"), RegistrationPick("ed", registration.id, registration.revision).data),
        Choice(_("↩️ Withdraw"), RegistrationPick("w", registration.id, registration.revision).data),
    ),)


def paused_text(subject: Subject) -> str:
    command = "/dangky" if subject.is_person else "/tapthe"
    return _("Paused. Everything you have answered is saved; send {command} to carry on."
             ).format(command=command)


def year_choice(subject: Subject, window: RegistrationWindow) -> str:
    """`rg:y:<p | org id>:<window id>:<deadline>`: the window and the dates shown (a window
    re-dated since makes the choice expire)."""
    return year_data(None if subject.is_person else subject.org_id, window.id, window.deadline)


async def ask_year(ctx: Ctx, subject: Subject, *, edit: bool = False) -> bool:
    """Several windows open for the subject: ask which year (True); else nothing (False)."""
    tree = await ctx.services.orgs.tree()
    windows = open_windows(await window_repo(ctx).windows(), tree, subject.org_id, ctx.today())
    if len(windows) < 2:
        return False
    scene = await scene_for(ctx, subject, tree=tree)
    rows = []
    for window in windows:
        current = await registration_repo(ctx).current(window.year, subject)
        draft = await draft_repo(ctx).draft(window.year, subject)
        state = task_state(None if current is None else current.is_confirmed,
                           draft is not None and bool(draft.titles or draft.answers))
        label = _("{year} – deadline {date}").format(year=window.year,
                                                      date=format_date(window.deadline))
        rows.append([Choice(f"{ICONS[state]} {label}", year_choice(subject, window))])
    text = "\n".join([scene.heading(), escape(_(
        "The registration is open for more than one year. Which year do you register for?"))])
    ctx.say(text, rows, replace=edit)
    return True
