"""Votes printed in a decision: who voted for, against and abstained, as Danish minutes write it.

The wordings read (tests/fixtures/votes/cases.toml holds real ones, with where they were found):
    For: 20 (Bo Hilsted (A), Carsten Nielsen (A), …)        lists: a count, members with their
    For stemte: A, C og V. / Imod stemte 10 (A, F, O, V)       party in parentheses, or parties;
    Følgende undlod at stemme: C, O og Finn Rudaizky (løsgænger)   on a line, or several on one line
    A, C, O og V stemte for. / Liste B stemte imod.            a group before a verb
    Ø undlod at stemme. / O (1) kan ikke anbefale …
    Et flertal bestående af A og V stemte for …                 majorities and minorities
    Et mindretal (F og Ø) stemte imod. / Anbefales af et flertal bestående af V, B og A.
    6 medlemmer (V+A+C+N) anbefaler … / 1 medlem (O) stemmer imod
    Godkendt med 21 stemmer mod 4 (F og Ø). / 5 undlod.         counts; "forkastet med 31 stemmer
    … blev forkastet med 29 stemmer imod og 1 for.              imod 9": the 31 voted against
A party that "tog forbehold" reserved its position: not a vote, and kept apart. An independent member
(løsgænger, UP) is named, having no party. Pure: text in, a `Vote` (or None) out.
"""

from __future__ import annotations

import re

from ..model import Vote

# A list's opening: with a colon ("For:", "Imod:") or a verb ("For dette stemte", "Imod stemte").
LIST_START = re.compile(
    r"(?P<how>\bFor\b(?:[^\n:()]{0,60}?\bstemte\b)|\bImod\b(?:[^\n:()]{0,60}?\bstemte\b)|(?:\bFølgende\s+)?\b[Uu]ndlod\s+at\s+stemme\b|"
    r"\bFor(?=\s*:)|\bImod(?=\s*:)|\bUndlod(?=\s*:)|\bHverken\s+for\s+eller\s+imod(?=\s*:))"
    r"[ \t]*:?[ \t]*(?:(?P<count>\d+)[ \t]*,?[ \t]*(?:medlemmer|medlem|stemmer|stemme)?[ \t]*:?[ \t]*)?")
# A group before its verb (in favour, against, abstaining, reserving), from the start of a sentence.
GROUP_VERB = re.compile(
    r"(?:^|(?<=[.;:!?]\s)|(?<=\n)|(?<=\bidet\s)|(?<=\bmens\s)|(?<=\bhvor\s))"
    r"(?:(?:et\s+)?(?:flertal|mindretal)\s*(?:bestående\s+af\s+)?)?"
    r"(?P<who>[(\dA-ZÆØÅ][^.;:!?\n]*?)\s+"
    r"(?P<how>stemte\s+for|stemmer\s+for|stemte\s+imod|stemmer\s+imod|undlod\s+at\s+stemme|undlader\s+at\s+stemme|"
    r"kunne\s+ikke\s+tiltræde|kan\s+ikke\s+tiltræde|kunne\s+ikke\s+anbefale|kan\s+ikke\s+anbefale|anbefaler|"
    r"tog\s+forbehold|tager\s+forbehold)\b", re.IGNORECASE | re.MULTILINE)
MAJORITY = re.compile(
    r"\b(?:et\s+)?(?:flertal|mindretal)\s*\((?P<who>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*"
    r"(?P<how>stemte\s+for|stemmer\s+for|stemte\s+imod|stemmer\s+imod|undlod\s+at\s+stemme|kunne\s+ikke\s+tiltræde|"
    r"kan\s+ikke\s+tiltræde|anbefaler|tog\s+forbehold|tager\s+forbehold)\b", re.IGNORECASE)
RECOMMENDED_BY = re.compile(r"\banbefales\s+af\s+(?:et\s+)?flertal\s+(?:bestående\s+af\s+)?(?P<who>[^.;\n]+)",
                            re.IGNORECASE)
COUNTS = (  # (pattern, which number is which), the minority's group in parentheses where printed
    (re.compile(r"\bmed\s+(?P<a>\d+)\s+stemmer?\s+imod\s+og\s+(?P<b>\d+)\s+for\b", re.IGNORECASE), ("against", "in_favour")),
    (re.compile(r"\bmed\s+(?P<a>\d+)\s+stemmer?\s+for\s+og\s+(?P<b>\d+)\s+imod\b", re.IGNORECASE), ("in_favour", "against")),
    (re.compile(r"\bmed\s+(?P<a>\d+)\s+stemmer?\s+(?:for\s+)?(?:imod|mod)\s+(?P<b>\d+)(?:\s+stemmer)?"
                r"(?:\s*\((?P<who>[^()]*(?:\([^()]*\)[^()]*)*)\))?", re.IGNORECASE), ("in_favour", "against")),
    (re.compile(r"\b(?P<a>\d+)\s+stemte\s+for(?:\s*\((?P<who_a>[^)]*)\))?\s*,?\s*og\s+(?P<b>\d+)\s+stemte\s+imod"
                r"(?:\s*\((?P<who>[^)]*)\))?", re.IGNORECASE), ("in_favour", "against")),
)
ABSTAINED_COUNT = re.compile(r"(?:^|(?<=[.,]\s)|(?<=\bog\s))(?P<count>\d+)\s+undlod\b", re.IGNORECASE | re.MULTILINE)
REJECTED = re.compile(r"\bforkast", re.IGNORECASE)

INDEPENDENT = re.compile(r"^(?:løsgænger|UP|uden\s+for\s+partierne|udenfor\s+parti(?:erne)?)$", re.IGNORECASE)
MEMBERS = re.compile(r"^(?P<count>\d+)(?:\s+(?:medlemmer|medlem|stemmer))?$", re.IGNORECASE)
PREFIX = re.compile(r"^(?:liste(?:n)?|gruppe(?:n)?|partiet|medlemme(?:t|rne)\s+(?:for|fra)|byrådsmedlem(?:met)?)\s+",
                    re.IGNORECASE)
LEADING_WORDS = re.compile(r"^(?:[a-zæøå][\w-]*\s+)+")  # "idet A", "mens Ø": the group is what follows
NOT_A_VOTER = re.compile(r"^(?:De\s+øvrige|Resten|Øvrige|Alle|Der|Sagen|Forslaget|Indstillingen|"
                         r"Herefter|Beslutning|Borgmesteren|\w*udvalg(?:et)?|\w*forvaltning(?:en)?|Byrådet|"
                         r"Kommunalbestyrelsen|Direktionen|Administrationen)\b")


def split_top(group: str) -> list[str]:
    """A group's members, split at commas, "og", "samt", "+" and "&" outside parentheses."""
    pieces, depth, start = [], 0, 0
    separators = re.compile(r",\s*|\s+og\s+|\s+samt\s+|\s*\+\s*|\s*&\s*")
    position = 0
    while position < len(group):
        char = group[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
            after = re.match(r"\)*\s+(?=[A-ZÆØÅ])", group[position + 1:])
            if depth == 0 and after:
                pieces.append(group[start:position + 1])
                start = position = position + 1 + after.end()
                continue
        elif depth == 0:
            separator = separators.match(group, position)
            if separator and separator.end() > position:
                pieces.append(group[start:position])
                start = position = separator.end()
                continue
        position += 1
    pieces.append(group[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def voters(group: str) -> tuple[list[str], int | None]:
    """The parties of a group as printed, and its size where printed: "Bo Hilsted (A), Pia (Ø)" gives
    A and Ø; "A, C og Liste V" A, C and V; "C og N (5 medlemmer)" C and N, 5; an independent member
    ("Finn Rudaizky (løsgænger)") is named."""
    group = group.strip().rstrip(".").strip()
    if group.startswith("(") and closing(group) == len(group) - 1:
        group = group[1:-1]
    names: list[str] = []
    size = None
    whole = MEMBERS.match(group.split("(")[0].strip())
    if whole and "(" in group:  # "13 medlemmer (A, V, B)": the count, then who
        size, group = int(whole["count"]), group[group.index("(") + 1:group.rindex(")")]
    for piece in split_top(group):
        party = re.match(r"^(?P<name>.*?)\s*\((?P<inner>[^()]*)\)\)?$", piece)
        if party:
            inner = party["inner"].strip()
            counted = MEMBERS.match(inner)
            if counted:  # "N (5 medlemmer)", "O (1)"
                size = (size or 0) + int(counted["count"])
                piece = party["name"]
            elif INDEPENDENT.match(inner) or not inner:
                piece = party["name"]
            else:
                piece = inner
        piece = PREFIX.sub("", LEADING_WORDS.sub("", piece.strip(" .()"))).strip(" .")
        counted = MEMBERS.match(piece)
        if counted:
            size = int(counted["count"]) if size is None else size
            continue
        if piece and not NOT_A_VOTER.match(piece) and all(word[:1].isupper() for word in piece.split()):
            names.append(piece)
    return list(dict.fromkeys(names)), size


def how_of(verb: str) -> str:
    verb = " ".join(verb.lower().split())
    if "forbehold" in verb:
        return "reserved"
    if "undl" in verb or "hverken" in verb:
        return "abstained"
    if "imod" in verb or "ikke" in verb:
        return "against"
    return "in_favour"


class VoteReader:
    """One text's vote, read in passes: lists, groups before verbs, counts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.vote = Vote()
        self.read: list[tuple[int, int]] = []  # where the vote was read

    def taken(self, start: int, end: int) -> bool:
        return any(start < stop and begin < end for begin, stop in self.read)

    def add(self, how: str, names: list[str], count: int | None, span: tuple[int, int]) -> None:
        getattr(self.vote, how).extend(names)
        if count is not None and how != "reserved" and getattr(self.vote, f"{how}_count") is None:
            setattr(self.vote, f"{how}_count", count)
        self.read.append(span)

    def lists(self) -> None:
        starts = list(LIST_START.finditer(self.text))
        for index, start in enumerate(starts):
            line_end = self.text.find("\n", start.end())
            end = len(self.text) if line_end == -1 else line_end
            if index + 1 < len(starts) and starts[index + 1].start() < end:
                end = starts[index + 1].start()  # several lists on one line
            group = self.text[start.end():end].strip()
            if group.startswith("("):
                group = group[:closing(group) + 1]
            elif not group and not start["count"] and line_end != -1:  # "For stemte:" and the list below it
                following = self.text[line_end:].lstrip("\n")
                line = following.split("\n", 1)[0].strip()
                if line and not LIST_START.match(line):
                    group = line
                    end = line_end + (len(self.text[line_end:]) - len(following)) + len(line)
            names, size = voters(group) if group else ([], None)
            count = int(start["count"]) if start["count"] else size
            if names or count is not None:
                self.add(how_of(start["how"]), names, count, (start.start(), end))

    def groups(self) -> None:
        for match in MAJORITY.finditer(self.text):
            if not self.taken(*match.span()):
                names, size = voters(match["who"])
                if names:
                    self.add(how_of(match["how"]), names, size, match.span())
        for match in GROUP_VERB.finditer(self.text):
            if self.taken(*match.span()):
                continue
            names, size = voters(match["who"])
            how = how_of(match["how"])
            recommends = match["how"].lower() == "anbefaler"
            if recommends and not (re.search(r"flertal|mindretal|medlem|\(", match.group(), re.IGNORECASE)):
                continue  # "Udvalget anbefaler": a recommendation, not a vote
            if names or size is not None:
                self.add(how, names, size, match.span())
        for match in RECOMMENDED_BY.finditer(self.text):
            if not self.taken(*match.span()):
                names, size = voters(match["who"])
                if names:
                    self.add("in_favour", names, size, match.span())

    def counts(self) -> None:
        for pattern, (first, second) in COUNTS:
            for match in pattern.finditer(self.text):
                if self.taken(*match.span()):
                    continue
                sentence_start = max(self.text.rfind(". ", 0, match.start()), self.text.rfind("\n", 0, match.start()))
                if REJECTED.search(self.text, sentence_start + 1, match.start()) and (first, second) == ("in_favour", "against") \
                        and "stemte" not in match.group():
                    first, second = second, first  # "forkastet med 31 stemmer imod 9": 31 against
                for how, number in ((first, match["a"]), (second, match["b"])):
                    if getattr(self.vote, f"{how}_count") is None:
                        setattr(self.vote, f"{how}_count", int(number))
                if match.groupdict().get("who_a"):
                    self.vote.in_favour.extend(voters(match["who_a"])[0])
                if match.groupdict().get("who"):
                    getattr(self.vote, second).extend(voters(match["who"])[0])
                self.read.append(match.span())
        for match in ABSTAINED_COUNT.finditer(self.text):
            if self.vote.abstained_count is None and (self.vote.in_favour_count is not None
                                                      or self.vote.against_count is not None):
                self.vote.abstained_count = int(match["count"])
                self.read.append(match.span())


def first_vote(text: str) -> str:
    """The text up to a second vote (an amendment's, then the proposal's): where a list of the same
    kind starts again."""
    seen: set[str] = set()
    for start in LIST_START.finditer(text):
        how = how_of(start["how"])
        if how in seen:
            return text[:start.start()]
        seen.add(how)
    return text


def closing(text: str) -> int:
    """The index of the parenthesis closing the one `text` starts with (its end when unbalanced)."""
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return index
    return len(text) - 1


def read_vote(text: str) -> Vote | None:
    """The vote `text` prints, or None when it prints none."""
    reader = VoteReader(first_vote(text))
    reader.lists()
    reader.counts()
    reader.groups()
    vote = reader.vote
    for name in ("in_favour", "against", "abstained", "reserved"):
        setattr(vote, name, list(dict.fromkeys(getattr(vote, name))))
    if not (vote.in_favour or vote.against or vote.abstained or vote.in_favour_count is not None
            or vote.against_count is not None):
        return None
    vote.text = sentences(text, reader.read)
    return vote


def sentences(text: str, spans: list[tuple[int, int]]) -> str:
    """The whole sentences (or lines) holding the spans, in the text's order, each once."""
    whole: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        sentence = text.rfind(". ", 0, start)
        start = max(text.rfind("\n", 0, start) + 1, sentence + 2 if sentence != -1 else 0)
        stop = min((found for found in (text.find("\n", end), text.find(". ", end)) if found != -1), default=len(text))
        stop = stop + 1 if text[stop:stop + 1] == "." else stop
        if whole and start <= whole[-1][1]:
            whole[-1] = (whole[-1][0], max(stop, whole[-1][1]))
        else:
            whole.append((start, stop))
    return " ".join(" ".join(text[start:stop].split()) for start, stop in whole)
