"""Multilingual vocabularies of page furniture: stop words and the markers of boilerplate lines.

Stop words measure how much a line reads like running prose (menus and link lists have almost
none). The marker patterns name what a boilerplate line *is* (a share row, a cookie notice, a
byline...): they are features for the line classifier and the rule name of a removal. They cover
English, German, French, Spanish, Italian, Portuguese and Dutch.

Every marker pattern is anchored on a short line: a sentence that merely *mentions* cookies,
newsletters or Facebook is article text, so the patterns only fire on lines that are nothing
but the marker (with a few words of decoration).
"""

from __future__ import annotations

import re

from cleanpipe.stages.patterns import DATE_LINE, READ_TIME_LINE, SECTION_HEADER


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a about after all also an and any are as at be been but by can could did do does for "
        "from had has have he her his how i if in into is it its just more most my no not of "
        "on one only or other our out over said says she so some than that the their them "
        "then there these they this those through to up was we were what when where which "
        "while who will with would you your"
    ),
    "de": _words(
        "aber alle als also am an auch auf aus bei bis das dass dem den der des die doch du "
        "durch ein eine einem einen einer es für hat hatte ich ihr im in ist ja kann mit nach "
        "nicht noch nur oder sein sich sie sind so um und uns vom von vor war was wenn werden "
        "wie wir wird zu zum zur über"
    ),
    "fr": _words(
        "a au aux avec ce ces cette comme dans de des du elle en est et été il ils je la le les "
        "leur lui mais même ne nous on ou par pas plus pour qu que qui sa se ses son sont sur "
        "un une été être était y à"
    ),
    "es": _words(
        "a al como con de del el ella en era es esta este fue ha han hay la las le lo los más "
        "no nos o para pero por que se sea ser si sin sobre son su sus también un una y ya "
        "está están"
    ),
    "it": _words(
        "a ad al alla anche che ci come con da dal dalla dei del della delle di e è gli ha "
        "hanno il in la le lo ma non nel nella o per più si sono su sua suo tra un una uno"
    ),
    "pt": _words(
        "a ao aos as com como da das de do dos e ela ele em era está foi há mais mas na nas "
        "não no nos o os ou para pela pelo por que se ser seu sua são também um uma à é"
    ),
    "nl": _words(
        "aan al als bij dat de den der die dit door een en er had heeft het hij hoe ik in is "
        "je kan maar met meer naar niet nog of om ook op over te tot uit van voor was wat we "
        "werd wordt zich zijn ze zo"
    ),
}
ALL_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())


def stop_words(lang: object) -> frozenset[str]:
    """The stop words of a detected language code; all languages together when unknown."""
    if isinstance(lang, str):
        return STOP_WORDS.get(lang.split("-")[0].lower(), ALL_STOP_WORDS)
    return ALL_STOP_WORDS


def _line(body: str) -> re.Pattern[str]:
    """A whole-line marker: optional decoration around `body`, nothing else."""
    return re.compile(rf"^[\W_]{{0,4}}(?:{body})[\W_]{{0,4}}$", re.IGNORECASE)


_MORE_SECTION_HEADERS = _line(
    r"trending\s+(?:news|stories|articles|topics|videos?|posts)|top\s+(?:news|headlines|videos?)|"
    r"(?:popular|similar|recommended|suggested)\s+(?:posts?|stories|articles|videos?|reads?)|"
    r"related\s+(?:roundups?|topics?|videos?|links?|tags?|galleries|products?)(?::.{0,60})?|"
    r"você\s+(?:também\s+)?(?:pode|poderá)\s+(?:gostar|se\s+interessar)(?:\s+(?:de|também))?|"
    r"vous\s+(?:aimerez|pourriez\s+aimer)\s+(?:aussi|également)|à\s+découvrir\s+aussi|"
    r"(?:ti\s+)?potrebbe(?:ro)?\s+(?:anche\s+)?(?:piacerti|interessarti|piacere)|"
    r"(?:también\s+)?te\s+pueden?\s+(?:interesar|gustar)|"
    r"das\s+könnte\s+dich\s+auch\s+interessieren|auch\s+interessant|"
    r"(?:dit\s+)?vind\s+je\s+misschien\s+ook\s+(?:leuk|interessant)"
)


_NETWORKS = (
    r"facebook|twitter|x|linkedin|reddit|pinterest|whatsapp|telegram|tumblr|flipboard|"
    r"instagram|youtube|e-?mail|email|messenger|pocket|xing|vk|sms|rss(?:\s+feed)?|google\+?"
)
_SHARE_VERB = (
    r"share|tweet|pin(?:\s+it)?|print|email|copy\s+link|send|teilen|drucken|partager|imprimer|"
    r"compartir|imprimir|condividi|stampa|compartilhar|partilhar|delen|deel|printen|follow|"
    r"folgen|suivez|síguenos|seguici|siga|volg"
)

MARKERS: dict[str, re.Pattern[str]] = {
    # Share rows and social links: "Share", "Share on Facebook", "Tweet", "Facebook Twitter Email".
    "share_line": re.compile(
        rf"^[\W_]{{0,4}}(?:(?:{_SHARE_VERB})(?:\s+(?:this|the|us|it|on|via|by|with|article|"
        rf"story|post|page|link|artikel|l'article|cet article|este artículo|articolo|"
        rf"on|auf|sur|en|su|no|op|:))*(?:\s+(?:{_NETWORKS}))?"
        rf"|(?:(?:{_NETWORKS})[\s,|/·•]*){{1,8}})"
        r"(?:\s*\(?\d[\d.,]*[kKmM]?\)?)?[\W_]{0,4}$",
        re.IGNORECASE,
    ),
    # Newsletter, subscription and account prompts.
    "subscribe_prompt": _line(
        r"(?:subscribe|sign\s+up|sign\s+in|log\s*in|log\s+out|register|create\s+(?:an\s+)?account|"
        r"my\s+account|get\s+(?:our|the)\s+newsletter|newsletters?|join\s+(?:us|now|today)|"
        r"subscribe\s+(?:now|today|to\s+.{1,40})|already\s+a\s+subscriber\??|"
        r"sign\s+up\s+(?:for|to)\s+.{1,50}|abonnieren|jetzt\s+abonnieren|anmelden|abmelden|"
        r"registrieren|mein\s+konto|s'abonner|abonnez-vous|connexion|se\s+connecter|"
        r"inscription|mon\s+compte|suscr[ií]bete|suscribirse|iniciar\s+sesi[oó]n|reg[ií]strate|"
        r"mi\s+cuenta|abbonati|iscriviti|accedi|registrati|assine|inscreva-se|entrar|"
        r"minha\s+conta|abonneer|inloggen|aanmelden|mijn\s+account)"
        r"(?:\s+(?:now|today|here|free|for\s+free|jetzt|gratis|maintenant|ahora|ora|agora|nu))?"
    ),
    # Cookie banners and legal links.
    "cookie_notice": re.compile(
        r"^.{0,80}\b(?:cookies?|gdpr|dsgvo|rgpd)\b.{0,200}$"
        r"|^[\W_]{0,4}(?:privacy(?:\s+(?:policy|notice|settings|center|centre))?|"
        r"(?:terms|conditions)\s+(?:of\s+)?(?:use|service|sale)|terms\s*(?:&|and)\s*conditions|"
        r"accept(?:\s+all)?|i\s+agree|got\s+it|ok(?:ay)?|"
        r"ad\s*choices|do\s+not\s+sell\s+my\s+(?:personal\s+)?info(?:rmation)?|accessibility|"
        r"datenschutz(?:erklärung)?|impressum|agb|nutzungsbedingungen|"
        r"politique\s+de\s+confidentialit[ée]|mentions\s+l[ée]gales|conditions\s+g[ée]n[ée]rales.{0,30}|"
        r"pol[ií]tica\s+de\s+privacidad(?:e)?|aviso\s+legal|t[ée]rminos\s+y\s+condiciones|"
        r"informativa\s+(?:sulla\s+)?privacy|note\s+legali|termos\s+de\s+uso|"
        r"privacybeleid|privacyverklaring|algemene\s+voorwaarden)[\W_]{0,4}$",
        re.IGNORECASE,
    ),
    # Copyright and legal footers.
    "copyright": re.compile(
        r"(?:^.{0,60}(?:©|\(c\)\s*\d{4}|copyright\s+(?:©|\(c\))?\s*\d{4})"
        r"|all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|tous\s+droits\s+r[ée]serv[ée]s|"
        r"todos\s+los\s+derechos\s+reservados|tutti\s+i\s+diritti\s+riservati|"
        r"todos\s+os\s+direitos\s+reservados|alle\s+rechten\s+voorbehouden)",
        re.IGNORECASE,
    ),
    # Advertising slots and teaser links.
    "ad_marker": _line(
        r"advertisements?|advertising|advertiser\s+content|sponsored(?:\s+(?:content|by\s+.{1,40}))?|"
        r"ad|ads|promoted|paid\s+(?:content|post)|story\s+continues\s+below(?:\s+advertisement)?|"
        r"continue\s+reading(?:\s+(?:the\s+)?(?:main\s+)?(?:story|article|below))?|"
        r"read\s+(?:more|the\s+full\s+(?:story|article))|click\s+here(?:\s+.{1,40})?|"
        r"anzeige|werbung|weiterlesen|mehr\s+lesen|publicit[ée]|lire\s+la\s+suite|"
        r"publicidad|leer\s+m[aá]s|pubblicit[aà]|leggi\s+(?:di\s+pi[uù]|tutto)|publicidade|"
        r"leia\s+mais|advertentie|lees\s+(?:meer|verder)"
    ),
    # Bylines: "By Jane Doe", "Von Max Muster", "Posted by admin", "Author: ...".
    "byline": re.compile(
        r"^[\W_]{0,3}(?i:(?:written|posted|published|reported|story|words|text|photos?)\s+by|"
        r"by|von|par|por|di|door|de|autor(?:e|a)?|author|auteur|redacci[oó]n|reporter)[:\s]+"
        r"(?:[A-ZÀ-ÖØ-Þ][\w'’.\-]*\s*(?:,|and|und|et|y|e|en|&)?\s*){1,8}"
        r"(?:[|,\-–—•·]\s*.{0,60})?$"
    ),
    # Image captions and credits.
    "caption": re.compile(
        r"(?:^[\W_]{0,3}(?:photo|image|picture|foto|bild|imagen|immagine|imagem|illustration|"
        r"video|credit|cr[ée]dit|fuente|fonte|bron|quelle|source|caption|"
        r"image\s+(?:copyright|caption)|photo\s+(?:credit|illustration))s?\s*(?::|by\b|©)"
        r"|\b(?:getty\s+images|shutterstock|istock(?:photo)?|ap\s+photo|afp\s+photo|"
        r"reuters/|epa[-/]efe|dpa|picture[- ]alliance|afp\s+via\s+getty)\b[^.!?]{0,80}$"
        r"|^[^.!?]{0,200}\((?:photo|image|foto|credit|cr[ée]dit)[^)]{0,80}\)\s*$)",
        re.IGNORECASE,
    ),
    # Section headers of related, recent and most-read lists (shared with strip_link_lists),
    # and more of them that only the classifier reads.
    "related_header": re.compile(
        f"{SECTION_HEADER.pattern}|{_MORE_SECTION_HEADERS.pattern}", re.IGNORECASE
    ),
    # What surrounds each comment of a thread: "Reply", "Report", "Jane says:", "12 likes".
    "comment_meta": _line(
        r"reply|replies|report(?:\s+(?:abuse|comment))?|flag|permalink|like|likes|quote|"
        r"(?:top|best|most\s+(?:liked|popular|recent)|readers?['’]?|latest|newest|oldest|"
        r"featured|recent)\s+(?:rated\s+)?comments?(?:\s*\(\d+\))?|"
        r"rating:?\s*[+-]?\d+\s+votes?|"
        r"\d+\s+(?:likes?|replies|votes?|points?)|log\s+in\s+to\s+reply|"
        r"antworten|melden|répondre|signaler|responder|denunciar|rispondi|segnala|"
        r"reageren|beantwoorden|"
        r"[\w .'’-]{1,40}\s+(?:says|said|wrote|schreibt|dit|a\s+dit|dice|escribió|disse|scrive|"
        r"zegt|schreef):?(?:\s+.{0,40}\d{1,2}:\d{2}.{0,10})?|"
        # WordPress's "Jane Doe on September 12, 2018 at 4:47 pm said:"
        r"[\w .'’()-]{1,40}\s+(?:on|am|le|el|il|em|op)\s+[^\n]{0,50}\d[^\n]{0,30}\s"
        r"(?:says|said|wrote|schreibt|dit|a\s+dit|dice|escribió|disse|scrive|zegt|schreef):"
    ),
    # Navigation words: "Home", "Menu", "Search", "Skip to content".
    "navigation": _line(
        r"home(?:page)?|menu|main\s+menu|search|close|open|toggle(?:\s+navigation)?|"
        r"navigation|skip\s+to\s+(?:main\s+)?(?:content|navigation)|back\s+to\s+top|"
        r"top|more|all|next|previous|prev|next\s+(?:article|story|post)|"
        r"previous\s+(?:article|story|post)|contact(?:\s+us)?|about(?:\s+us)?|"
        r"startseite|suche|kontakt|mehr|accueil|rechercher|recherche|plus|inicio|buscar|"
        r"contacto|men[uú]|cerca|contatti|in[ií]cio|pesquisar|contato|zoeken|meer|"
        r"(?:view|show|see|load)\s+(?:all|more)"
    ),
}
# "This story has been shared 28,533 times."
MARKERS["share_line"] = re.compile(
    f"{MARKERS['share_line'].pattern}|"
    r"^[\W_]{0,4}(?:this\s+(?:story|article|post|page)\s+has\s+been\s+)?shared\s+"
    r"[\d.,]+\s*[kKmM]?\s+times\b.{0,20}$",
    re.IGNORECASE,
)
# Date and reading-time lines are shared with strip_link_lists; the generic date_line pattern
# above only fires together with one of them (see `marker_of`).
# "2h ago", "43M ago": the short forms of live tickers and teaser lists.
_RELATIVE_TIME = re.compile(
    r"^\W{0,2}\d{1,3}\s*(?:s|m|h|d|w|mo|y|hr|hrs|min|mins|sec|secs)\.?\s+ago\W{0,2}$",
    re.IGNORECASE,
)
_DATE_ONLY = (DATE_LINE, READ_TIME_LINE, _RELATIVE_TIME)
_DATE_VERB = re.compile(
    r"^[\W_]{0,3}(?:updated|published|posted|last\s+updated|first\s+published|aktualisiert|"
    r"veröffentlicht|publié|mis\s+à\s+jour|publicado|actualizado|pubblicato|aggiornato|"
    r"atualizado|gepubliceerd|bijgewerkt)\b",
    re.IGNORECASE,
)
_HAS_DIGIT = re.compile(r"\d")
MARKER_NAMES: tuple[str, ...] = (*MARKERS, "date_line")
_MAX_MARKER_WORDS = 14
# A cookie banner is a long sentence, and it addresses the reader: "we use cookies", "you
# agree", "our use of cookies". A news sentence *about* cookies does neither.
_COOKIE_BANNER = re.compile(
    r"\b(?:we|this\s+(?:site|website)|our\s+(?:site|website))\s+uses?\s+cookies\b"
    r"|\bcookies?\b.{0,150}\b(?:you\s+(?:agree|accept|consent)|your\s+(?:consent|experience|"
    r"browsing|device)|our\s+use)\b"
    r"|\b(?:our|the)\s+use\s+of\s+cookies\b.{0,150}\b(?:you|your)\b"
    r"|\bcookie\s+(?:policy|settings|preferences|consent)\b"
    r"|\b(?:verwendet|verwenden|nutzt|nutzen|utilise|utilisons|utilizamos|utiliza|utilizza|"
    r"utilizziamo|usa|usamos|gebruikt|gebruiken)\s+(?:des\s+|de\s+|i\s+)?cookies?\b",
    re.IGNORECASE,
)


# Words every match of a pattern holds (lower case), one of which a line must hold: the native
# core skips a pattern's search on lines that hold none (native/src/markers.rs says when that
# prefilter stands aside).
COOKIE_WORDS = ("cookie",)
COPYRIGHT_WORDS = (
    "\u00a9",
    "(c)",
    "copyright",
    "rights",
    "rechte",
    "droits",
    "derechos",
    "diritti",
    "direitos",
)
AGENCY_WORDS = ("getty", "shutterstock", "istock", "photo", "reuters/", "epa", "dpa", "picture")
# MARKERS["caption"] is these three alternatives: whether it finds a match is whether one does.
_CAPTION_HEAD = re.compile(
    r"^[\W_]{0,3}(?:photo|image|picture|foto|bild|imagen|immagine|imagem|illustration|"
    r"video|credit|cr[ée]dit|fuente|fonte|bron|quelle|source|caption|"
    r"image\s+(?:copyright|caption)|photo\s+(?:credit|illustration))s?\s*(?::|by\b|©)",
    re.IGNORECASE,
)
_CAPTION_AGENCY = re.compile(
    r"\b(?:getty\s+images|shutterstock|istock(?:photo)?|ap\s+photo|afp\s+photo|"
    r"reuters/|epa[-/]efe|dpa|picture[- ]alliance|afp\s+via\s+getty)\b[^.!?]{0,80}$",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    r"^[^.!?]{0,200}\((?:photo|image|foto|credit|cr[ée]dit)[^)]{0,80}\)\s*$", re.IGNORECASE
)


# The whole-line patterns `marker_of` tries in turn; the first that matches names the line.
# The three date forms all name it `date_line`.
_SHORT_LINE_ORDER = (
    ("date_line", DATE_LINE),
    ("read_time_line", READ_TIME_LINE),
    ("relative_time_line", _RELATIVE_TIME),
    *(
        (name, MARKERS[name])
        for name in (
            "share_line",
            "subscribe_prompt",
            "ad_marker",
            "related_header",
            "navigation",
            "comment_meta",
        )
    ),
)
assert all(p.flags == re.IGNORECASE | re.UNICODE and not p.groups for _, p in _SHORT_LINE_ORDER)
_DATE_GROUPS = frozenset(("date_line", "read_time_line", "relative_time_line"))


def _pattern(compiled: re.Pattern[str]) -> tuple[str, bool]:
    return compiled.pattern, bool(compiled.flags & re.IGNORECASE)


def native_spec() -> dict[str, object]:
    """The vocabularies as the native core reads them (`cleanpipe._native.LineFeatures`): the
    patterns as written here, which it compiles with Python's meaning of their classes."""
    from cleanpipe.stages.boilerplate.features import BOUNDARY_MARKERS
    from cleanpipe.stages.titles import PREFIX, SITE_SUFFIX  # titles imports the native core

    return {
        "marker_names": list(MARKER_NAMES),
        "cookie_banner": _pattern(_COOKIE_BANNER),
        "copyright": _pattern(MARKERS["copyright"]),
        "short_lines": [
            ("date_line" if name in _DATE_GROUPS else name, _pattern(p))
            for name, p in _SHORT_LINE_ORDER
        ],
        "date_verb": _pattern(_DATE_VERB),
        "cookie_notice": _pattern(MARKERS["cookie_notice"]),
        "byline": _pattern(MARKERS["byline"]),
        "caption_head": _pattern(_CAPTION_HEAD),
        "caption_agency": _pattern(_CAPTION_AGENCY),
        "caption_credit": _pattern(_CAPTION_CREDIT),
        "cookie_words": list(COOKIE_WORDS),
        "copyright_words": list(COPYRIGHT_WORDS),
        "agency_words": list(AGENCY_WORDS),
        "title_prefix": _pattern(PREFIX),
        "site_suffix": _pattern(SITE_SUFFIX),
        "boundary_markers": list(BOUNDARY_MARKERS),
        "stop_words": [
            *((lang, sorted(words)) for lang, words in STOP_WORDS.items()),
            (ALL_STOPS_KEY, sorted(ALL_STOP_WORDS)),
        ],
    }


# The key of every language's stop words together (the native core's name for ALL_STOP_WORDS).
ALL_STOPS_KEY = "*"
_STOPS_KEYS: dict[frozenset[str], str] = {
    **{words: lang for lang, words in STOP_WORDS.items()},
    ALL_STOP_WORDS: ALL_STOPS_KEY,
}


def stops_key(stops: frozenset[str]) -> str:
    """The native core's name of a stop-word set (one of `STOP_WORDS`, or all of them)."""
    try:
        return _STOPS_KEYS[stops]
    except KeyError:
        raise ValueError("stop words: expected one of vocab.STOP_WORDS or ALL_STOP_WORDS") from None


def marker_of(line: str) -> str | None:
    """The boilerplate category a short line belongs to, or None (native/src/markers.rs).

    Long lines are never markers: the patterns would otherwise catch sentences of the article
    ("Facebook said on Monday it would...") that merely begin like a marker.
    """
    from cleanpipe.stages.native_lines import line_features

    return line_features().marker_of(line)
