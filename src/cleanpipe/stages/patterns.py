"""Line patterns shared by stages: dates, read times, counters and related-list headers.

Multilingual (en, de, fr, es, it, pt, nl); each matches a whole line, so a sentence that
merely mentions a date or "related stories" is never taken for one.
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"januar|februar|märz|mai|juni|juli|oktober|dezember|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|"
    r"januari|februari|maart|mei|augustus)\.?"
)
_TIME = (
    r"(?:\s*(?:[-–,|•·]|at|um|à|a las|alle|às|om)?\s*\d{1,2}[:.h]\d{2}"
    r"(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
)
DATE_LINE = re.compile(
    r"^\W{0,2}(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|yesterday|today|just now"
    rf"){_TIME}\W{{0,2}}$",
    re.IGNORECASE,
)
READ_TIME_LINE = re.compile(
    r"^\W{0,2}\d{1,3}\s*(?:-\s*\d{1,3}\s*)?(?:min(?:ute)?s?|m|minuten|minutos|minuti)\.?"
    r"(?:\s+(?:read|reading|lesezeit|de lecture|de lectura|di lettura|leestijd|watch|listen))?"
    r"\W{0,2}$",
    re.IGNORECASE,
)
COUNT_LINE = re.compile(r"^\W{0,2}\d[\d.,]*\s*[kKmM]?\s*(?:views?|shares?|likes?)?\W{0,2}$")
SECTION_HEADER = re.compile(
    r"^\W{0,3}(?:related(?:\s+(?:stories|articles|posts|news|content|coverage|reading))?"
    r"|more\s+(?:stories|news|articles|from\s+.{1,40}|on\s+.{1,40}|in\s+.{1,40})"
    r"|(?:you|we\s+think\s+you)\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)"
    r"|most\s+(?:read|popular|viewed|shared|recent)|trending(?:\s+now)?|popular(?:\s+now)?"
    r"|recommended(?:\s+for\s+you)?|latest(?:\s+(?:news|stories|articles|posts))?"
    r"|recent\s+(?:posts|stories|articles|news)|read\s+(?:more|next|also)|also\s+read"
    r"|further\s+reading|see\s+also|up\s+next|what\s+to\s+read\s+next|top\s+stories"
    r"|editor'?s\s+picks?|don'?t\s+miss|around\s+the\s+web|from\s+the\s+web|sponsored(?:\s+content)?"
    r"|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|weitere\s+artikel|meistgelesen"
    r"|à\s+lire\s+aussi|lire\s+aussi|sur\s+le\s+même\s+sujet|les\s+plus\s+lus"
    r"|noticias\s+relacionadas|te\s+puede\s+interesar|lo\s+más\s+leído|más\s+noticias"
    r"|articoli\s+correlati|leggi\s+anche|potrebbe\s+interessarti|i\s+più\s+letti"
    r"|leia\s+também|notícias\s+relacionadas|mais\s+lidas"
    r"|lees\s+ook|gerelateerde\s+artikelen|meest\s+gelezen)\W{0,3}$",
    re.IGNORECASE,
)
# A reader comment's header: a short line that ends in a date and a time of day (perhaps a zone
# or a reply button after it: "Ann — June 25th, 2012, 4:51 am", "Tommy July 16, 2012 at 7:03
# pm #"), or in "said:" / "wrote:" ("Milan on September 12, 2018 at 4:47 pm said:").
COMMENT_HEADER = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"\b.*|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.*)"
    r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+\S+){0,2}\W*$"
    r"|\b(?:said|says|wrote|writes)\s*:\s*$",
    re.IGNORECASE,
)
# What a comment offers around its text: a reply button, a permalink, votes.
COMMENT_ACTION = re.compile(
    r"^\W{0,3}(?:reply|report(?:\s+abuse)?|permalink|flag|quote|like|\d+\s*(?:likes?|points?|"
    r"votes?|replies)|(?:up|down)\s*vote|log\s+in\s+to\s+reply|#)\W{0,3}$",
    re.IGNORECASE,
)
