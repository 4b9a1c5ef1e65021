"""The bloc's registration document: its cover letter (seed 000), as editable text.

A bloc registers for the year with a letter to the province's Thường trực Hội đồng Thi đua –
Khen thưởng: the grounds (căn cứ: the province's launch, plan and bloc regulation of the
year), the bloc's commitments 1–8, the closing formula, "Nơi nhận", then the annex table.
The grounds and commitments change every year and from bloc to bloc, so they are a text
file the secretariat edits (`THIDUA_REGISTRATION_LETTER`), with `{year}` and `{bloc}` where
the year and the bloc's name go; without one, a packaged letter leaves the grounds to fill.
"""

from __future__ import annotations

import unicodedata
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

TO_STANDING_OFFICE = "Thường trực Hội đồng Thi đua – Khen thưởng tỉnh"


class LetterError(ValueError):
    """A letter file that cannot be used, with the reason."""


class RegistrationLetter(BaseModel):
    """The text of the cover letter; `{year}` and `{bloc}` are replaced when it is issued."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: str = TO_STANDING_OFFICE  # Kính gửi
    subject: str = "V/v đăng ký thi đua năm {year}"  # trích yếu, under the number
    grounds: str = Field(min_length=1)  # the opening paragraph: căn cứ, ending with "…sau:"
    commitments: tuple[str, ...] = Field(min_length=1)  # numbered 1, 2, … in the letter
    closing: str = Field(min_length=1)
    recipients: tuple[str, ...] = ()  # Nơi nhận; empty: the THIDUA_DOCUMENT_RECIPIENTS
    signer_position: str = ""  # under the signature, above the name: CHÁNH VĂN PHÒNG UBND TỈNH
    signer_name: str = ""  # empty: THIDUA_DOCUMENT_SIGNER_NAME
    number_symbol: str = ""  # "KTMTH-TĐKT"; empty: the bloc's initials and -TĐKT

    @field_validator("to", "subject", "grounds", "closing", "signer_position", "signer_name",
                     "number_symbol")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", " ".join(value.split()))

    @field_validator("commitments", "recipients")
    @classmethod
    def _nfc_all(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(unicodedata.normalize("NFC", " ".join(v.split())) for v in value)

    def filled(self, *, year: int, bloc: str) -> RegistrationLetter:
        """The letter of `year` for the bloc named `bloc`."""
        def fill(text: str) -> str:
            return text.replace("{year}", str(year)).replace("{bloc}", bloc)

        return self.model_copy(update={
            "to": fill(self.to), "subject": fill(self.subject), "grounds": fill(self.grounds),
            "commitments": tuple(fill(c) for c in self.commitments),
            "closing": fill(self.closing),
            "recipients": tuple(fill(r) for r in self.recipients),
            "number_symbol": self.number_symbol or f"{bloc_initials(bloc, with_bloc=True)}-TĐKT",
        })


def parse_letter(text: str, source: str = "<letter>") -> RegistrationLetter:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LetterError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LetterError(f"{source}: the file must be a mapping of letter fields")
    try:
        return RegistrationLetter.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LetterError(f"{source}: {where}: {first['msg']}") from None


def load_letter_file(path: str | Path) -> RegistrationLetter:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LetterError(f"{path}: {exc.strerror or exc}") from None
    return parse_letter(text, str(path))


def packaged_letter() -> RegistrationLetter:
    """The letter used when the secretariat has not written its own."""
    entry = resources.files("domain").joinpath("letters", "registration.yaml")
    return parse_letter(entry.read_text(encoding="utf-8"), "letters/registration.yaml")


def bloc_initials(name: str, *, with_bloc: bool = False) -> str:
    """"Khối Tham mưu Tổng hợp" → "TMTH" ("KTMTH" with `with_bloc`), as a bloc signs
    ("TM. KHỐI THI ĐUA TMTH") and numbers its letters ("Số: …/KTMTH-TĐKT")."""
    words = name.replace("–", " ").replace("-", " ").split()
    if words and words[0].casefold() == "khối":
        words = words[1:]
        if [w.casefold() for w in words[:2]] == ["thi", "đua"]:
            words = words[2:]
    letters = "".join(_initial(w) for w in words if w[:1].isalpha())
    return ("K" + letters) if with_bloc else letters


def _initial(word: str) -> str:
    first = word[0].upper()
    if first == "Đ":
        return first
    return unicodedata.normalize("NFD", first)[0]
