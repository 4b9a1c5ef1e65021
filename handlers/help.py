"""/help (the commands of the user's role) and /language (vi / en)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from handlers.commands import CommandSpec
from handlers.context import BotContext
from handlers.guards import guard
from handlers.onboarding import audit_context
from handlers.replies import edit_or_reply
from handlers.texts import command_lines
from locales import N_, SUPPORTED_LOCALES, _, set_locale

COMMANDS = [
    CommandSpec("help", N_("What I can do for you"), aliases=("trogiup",), public=True,
                secretariat_chat=True),
    CommandSpec("language", N_("Change the language (Tiếng Việt / English)"),
                aliases=("ngonngu",), public=True),
]
LANGUAGE_NAMES = {"vi": "🇻🇳 Tiếng Việt", "en": "🇬🇧 English"}


@guard(private=False, linked=False)
async def show_help(update: Update, context: BotContext) -> None:
    message = update.effective_message
    actor = context.actor
    if message is None:
        return
    if not actor.is_private and not actor.in_secretariat_chat:
        await message.reply_text(_("Please message me privately to get started."))
        return
    lines = command_lines(context.commands, actor)
    intro = _("Commands you can use:")
    if actor.is_private and actor.person is None:
        not_linked = _("You are not linked yet. Send /start to link your Telegram account.")
        intro = not_linked + "\n\n" + intro
    await message.reply_text(intro + "\n" + lines, parse_mode=ParseMode.HTML)


@guard(linked=False)
async def ask_language(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    buttons = [
        InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}")
        for code in SUPPORTED_LOCALES
    ]
    await message.reply_text(
        _("Choose your language:"), reply_markup=InlineKeyboardMarkup([buttons])
    )


@guard(linked=False)
async def choose_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    code = (query.data or "").removeprefix("lang:")
    if code not in SUPPORTED_LOCALES:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await context.services.user_settings.set_locale(user.id, code, audit_context(update))
    set_locale(code)
    await query.answer()
    await edit_or_reply(update, context, _("Language set to English."))


def register(app: Application) -> None:
    app.add_handler(CommandHandler(["help", "trogiup"], show_help))
    app.add_handler(CommandHandler(["language", "ngonngu"], ask_language))
    app.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:"))
