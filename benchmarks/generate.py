"""A deterministic generator of a large minutes archive in the corpus's own format, for benchmarks.

Each generated file is one meeting of Direktionen as plain text, named YYYY-MM-DD.txt like
corpus/hoeje-taastrup/direktionen/*.txt, with the same layout rules (indexer/parse.py): the `REFERAT Direktionen d.
DD-MM-YYYY` header, `Mødedato`, `Mødested`, `Mødedeltagere`, a dotted `Indholdsfortegnelse`, then
`Punkt N: Title`, the case number line and headed sections (Baggrund, Indstilling, Sagsfremstilling,
Økonomi, the decision, Bilag), in either the 2014-15 layout (upper-case headings, attachments first)
or the later one.

The text is recombined from the 44 agenda items of the five seed files, so the vocabulary and its
distribution are the archive's own, while the items differ (all but about 1 in 100, short ones):
  - an item takes its title and its order of sections from one seed item, and each section's
    paragraphs from other seed items with a section of that kind, sometimes spliced from two;
    the decision comes from yet another item;
  - paragraphs are swapped now and then, and so are sentences within a paragraph;
  - years in the text move with the meeting date, amounts (`225.000 kr.`, `2,5 mio.`) are redrawn;
  - meetings fall on consecutive working days from Monday 1 January 1990, one meeting a day;
  - case numbers are printed YY/NNNNN (the two-digit year of the meeting or, for a quarter of the new
    cases, of the year before; a 1-6 digit serial, new for every new case); standing items
    (Økonomiopfølgning, Øvrige sager, Lukket, ...) share the year's standing case, as in the seeds,
    at most one of each kind a meeting, and other cases come back over a few meetings sometimes.

Item count: exactly the number asked for. Every meeting has 5-12 items, except that a request for
fewer than 5 items gives a single meeting of that many (0 gives no file). The sizes are drawn so
that the last meeting takes what remains and never has fewer than 5.

Deterministic: the same seed (and the same seed files and parser) gives byte-identical files:
random.Random only, nothing depends on the clock, hash randomisation or directory order.

Run: python benchmarks/generate.py --items 10000 DIR [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.load import load_meeting  # noqa: E402

SEED_DIR = ROOT / "corpus" / "hoeje-taastrup" / "direktionen"
FIRST_DAY = date(1990, 1, 1)  # a Monday
MIN_ITEMS, MAX_ITEMS = 5, 12  # per meeting

WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december"]
LOCATIONS = ["Mødelokale B105", "Mødelokale B105", "Mødelokale B105", "B204", "Mødelokale A107",
             "Byrådssalen", "Mødelokale C013"]
START_TIMES = ["08:30", "09:00", "09:00", "10:00", "10:00", "10:00", "11:30", "13:00"]
PARTICIPANTS = ["Lars Holte", "Jørgen Lerhard", "Per Aalbæk Nielsen", "Charlotte Markussen",
                "Kathrine Seier Skastrup", "Bente Strand Hansen", "Michael Fromm", "Henriette Bloch",
                "Søren Kjærgaard", "Mette Ravn Andersen", "Anders Østergaard", "Lise Bjerre"]
TITLE_PREFIXES = ["Status på", "Opfølgning på", "Drøftelse af", "Orientering om", "Evaluering af"]

# Section headings as the two layouts print them; the decision heading carries the meeting date.
HEADINGS = {
    "old": {"bilag": "Bilag", "baggrund": "Baggrund", "indstilling": "INDSTILLING",
            "sagsfremstilling": "Sagsfremstilling", "oekonomi": "ØKONOMI",
            "beslutning": "BESLUTNING DIREKTIONEN DEN {date}"},
    "new": {"bilag": "Bilag", "baggrund": "Baggrund", "indstilling": "Indstilling",
            "sagsfremstilling": "Sagsfremstilling", "oekonomi": "Økonomi",
            "beslutning": "Beslutning Direktionen den {date}"},
}
CONTENT_KINDS = ("baggrund", "indstilling", "sagsfremstilling", "oekonomi")

DATE_RE = re.compile(r"\b\d{2}-\d{2}-\d{4}\b")
YEAR_RE = re.compile(r"\b(?:19[89]\d|20[0-3]\d)\b")
# An amount: 225.000 kr. / 190.000,00 kr. / 2,5 mio. / 35 mio. (the number is redrawn, the unit kept).
AMOUNT_RE = re.compile(r"\b(\d{1,3}(?:\.\d{3})+|\d+)(,\d+)?(?=\s?(?:kr\.|mio\.|mia\.|mill\.|t\.kr\.))")
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


@dataclass(slots=True)
class SeedItem:
    year: int  # the seed meeting's year: years in its text move by (new year - this)
    title: str
    closed: bool
    standing: bool  # a recurring item under the year's standing case (Økonomiopfølgning 26-08-2014, ...)
    kinds: list[str]  # its sections' kinds in order, each kind once
    paragraphs: dict[str, list[str]] = field(default_factory=dict)  # kind -> paragraphs (bilag: lines)


def load_seed_items(seed_dir: Path = SEED_DIR) -> list[SeedItem]:
    """The agenda items of the seed files, in file and item order."""
    items = []
    for path in sorted(seed_dir.glob("*.txt")):
        meeting = load_meeting(path)
        for item in meeting.items:
            seed = SeedItem(year=meeting.date.year, title=item.title, closed=item.closed,
                            standing=item.closed or bool(DATE_RE.search(item.title)), kinds=[])
            for section in item.sections:
                if section.kind not in (*CONTENT_KINDS, "beslutning", "bilag") or not section.text:
                    continue
                separator = "\n" if section.kind == "bilag" else "\n\n"
                parts = [p for p in section.text.split(separator) if p.strip()]
                if section.kind not in seed.paragraphs:
                    seed.kinds.append(section.kind)
                    seed.paragraphs[section.kind] = []
                seed.paragraphs[section.kind].extend(parts)
            items.append(seed)
    return items


def working_days(first: date) -> Iterator[date]:
    """Monday to Friday from `first` on (`first` itself if it is a working day)."""
    day = first
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def meeting_sizes(items: int, rng: random.Random) -> list[int]:
    """Items per meeting, summing to exactly `items`: 5-12 each (a single smaller meeting only when
    fewer than 5 are asked for). The last meeting takes the rest, so no meeting is left under 5."""
    sizes = []
    remaining = items
    while remaining > 0:
        if remaining <= MAX_ITEMS:
            size = remaining
        else:  # leave 0 or at least MIN_ITEMS for the meetings after this one
            size = rng.randint(MIN_ITEMS, min(MAX_ITEMS, remaining - MIN_ITEMS))
        sizes.append(size)
        remaining -= size
    return sizes


class ArchiveGenerator:
    """Writes meetings one after another: each call to write_meeting takes the next working day.
    All randomness comes from one random.Random(seed), so a sequence of calls is reproducible."""

    def __init__(self, seed: int = 0, first_day: date = FIRST_DAY, seed_items: list[SeedItem] | None = None):
        self.rng = random.Random(seed)
        self.days = working_days(first_day)
        self.seeds = seed_items if seed_items is not None else load_seed_items()
        self.templates = [s for s in self.seeds if s.kinds or s.closed]
        self.topical_titles = [s.title for s in self.seeds if not s.standing]
        self.donors = {kind: [s for s in self.seeds if kind in s.paragraphs]
                       for kind in (*CONTENT_KINDS, "beslutning", "bilag")}
        self.serials: dict[int, int] = {}  # two-digit year -> last case serial handed out
        self.standing_cases: dict[int, str] = {}  # meeting year -> the year's standing case
        self.open_cases: list[list] = []  # [case, meetings left]: cases that come back later

    # -- case numbers -------------------------------------------------------------------------
    def new_case(self, year: int) -> str:
        yy = year % 100
        # Serials grow through a year from a random start, 1-6 digits as the archive prints them.
        if yy not in self.serials:
            self.serials[yy] = self.rng.choice([0, 0, 90, 400, 8000, 15000])
        self.serials[yy] += self.rng.randint(1, 400)
        return f"{yy:02d}/{self.serials[yy] % 1_000_000}"

    def topical_case(self, year: int, used_in_meeting: set[str]) -> str:
        """A new case, or sometimes one that was on the agenda before (a case history)."""
        candidates = [entry for entry in self.open_cases if entry[0] not in used_in_meeting]
        if candidates and self.rng.random() < 0.2:
            entry = self.rng.choice(candidates)
            entry[1] -= 1
            if entry[1] <= 0:
                self.open_cases.remove(entry)
            return entry[0]
        case = self.new_case(year - (1 if self.rng.random() < 0.25 else 0))
        if self.rng.random() < 0.3:
            self.open_cases.append([case, self.rng.randint(1, 4)])
            del self.open_cases[:-40]  # cases come back within months, not decades
        return case

    # -- text ---------------------------------------------------------------------------------
    def adapt(self, text: str, year_shift: int) -> str:
        """Move years with the meeting date and redraw amounts."""
        if year_shift:
            text = YEAR_RE.sub(lambda m: str(int(m.group()) + year_shift), text)
        return AMOUNT_RE.sub(self.redraw_amount, text)

    def redraw_amount(self, match: re.Match[str]) -> str:
        whole, decimals = match.group(1), match.group(2)
        value = int(whole.replace(".", ""))
        new = max(1, round(value * self.rng.uniform(0.3, 3.0)))
        if "." in whole or new >= 10_000:
            printed = f"{new:,}".replace(",", ".")
        else:
            printed = str(new)
        if decimals:
            printed += "," + "".join(str(self.rng.randint(0, 9)) for _ in range(len(decimals) - 1))
        return printed

    def shuffled_sentences(self, paragraph: str) -> str:
        """Swap two neighbouring sentences of a one-line paragraph, now and then."""
        if "\n" in paragraph or "\t" in paragraph or self.rng.random() >= 0.3:
            return paragraph
        sentences = SENTENCE_SPLIT_RE.split(paragraph)
        if len(sentences) < 3:
            return paragraph
        i = self.rng.randrange(len(sentences) - 2)  # the last sentence stays last (it may lack a full stop)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        return " ".join(sentences)

    def section_paragraphs(self, kind: str, year: int) -> list[str]:
        donor = self.rng.choice(self.donors[kind])
        paragraphs = list(donor.paragraphs[kind])
        shifts = [year - donor.year] * len(paragraphs)
        if len(paragraphs) >= 2 and self.rng.random() < 0.5:  # splice in a run from a second item
            other = self.rng.choice(self.donors[kind])
            run = other.paragraphs[kind]
            start = self.rng.randrange(len(paragraphs))
            length = self.rng.randint(1, max(1, len(paragraphs) // 2))
            take_from = self.rng.randrange(len(run))
            spliced = run[take_from:take_from + length]
            paragraphs[start:start + length] = spliced
            shifts[start:start + length] = [year - other.year] * len(spliced)
        if kind != "bilag":
            for i in range(len(paragraphs) - 1):  # a paragraph swapped with the next, now and then
                if self.rng.random() < 0.08:
                    paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
                    shifts[i], shifts[i + 1] = shifts[i + 1], shifts[i]
            paragraphs = [self.shuffled_sentences(p) for p in paragraphs]
        return [self.adapt(p, shift) for p, shift in zip(paragraphs, shifts)]

    def item_title(self, template: SeedItem, day: date) -> str:
        if template.closed:
            return "Lukket"
        title = template.title
        if not template.standing and self.rng.random() < 0.2:  # "Status på" + another item's subject
            subject = self.rng.choice(self.topical_titles)
            if len(subject) > 1 and subject[1].islower():
                subject = subject[0].lower() + subject[1:]
            title = f"{self.rng.choice(TITLE_PREFIXES)} {subject}"
            return self.adapt(title, day.year - template.year)
        title = YEAR_RE.sub(lambda m: str(int(m.group()) + day.year - template.year), title)
        return DATE_RE.sub(day.strftime("%d-%m-%Y"), title)  # after the shift: the date is this meeting's

    # -- meetings -----------------------------------------------------------------------------
    def meeting_text(self, day: date, item_count: int) -> str:
        rng = self.rng
        layout = HEADINGS["old" if rng.random() < 0.35 else "new"]
        printed_date = day.strftime("%d-%m-%Y")
        participants = rng.sample(PARTICIPANTS, rng.randint(4, 6))
        participants[-1] += " (sekretær)"
        if day.year not in self.standing_cases:
            self.standing_cases[day.year] = self.new_case(day.year)
        standing_case = self.standing_cases[day.year]
        used_cases: set[str] = set()
        titles, bodies = [], []
        standing_used: set[str] = set()
        for number in range(1, item_count + 1):
            template = rng.choice(self.templates)
            # One Lukket, one Økonomiopfølgning, ... a meeting (their spellings vary: key on the start).
            while template.standing and template.title.lower()[:6] in standing_used:
                template = rng.choice(self.templates)
            if template.standing:
                standing_used.add(template.title.lower()[:6])
            title = self.item_title(template, day)
            if template.standing:
                case = standing_case
            else:
                case = self.topical_case(day.year, used_cases)
            used_cases.add(case)
            kinds = list(template.kinds)
            if not template.closed and rng.random() < 0.15:  # now and then one section more or fewer
                extra = rng.choice(CONTENT_KINDS)
                if extra in kinds and len(kinds) > 1:
                    kinds.remove(extra)
                elif extra not in kinds:
                    kinds.insert(rng.randint(0, len(kinds)), extra)
            if layout is HEADINGS["old"] and "bilag" in kinds:  # the 2014-15 layout lists attachments first
                kinds.remove("bilag")
                kinds.insert(0, "bilag")
            lines = [f"Punkt {number}: {title}", "", case, ""]
            for kind in kinds:
                heading = layout[kind].format(date=printed_date)
                paragraphs = self.section_paragraphs(kind, day.year)
                lines += [heading, ""]
                for paragraph in paragraphs:
                    lines += [paragraph, ""]
            titles.append(title)
            bodies.append("\n".join(lines))
        page, contents = 3, []
        for title, body in zip(titles, bodies):
            contents.append(f"{title}.....\t{page}")
            page += 1 + len(body) // 3000
        header = [
            "", "",
            f"REFERAT Direktionen d. {printed_date}", "",
            (f"Mødedato {WEEKDAYS[day.weekday()]} d. {day.day:02d}. {MONTHS[day.month - 1]} {day.year} "
             f"kl. {rng.choice(START_TIMES)}"), "",
            f"Mødested {rng.choice(LOCATIONS)}", "",
            f"Mødedeltagere {', '.join(participants)}", "",
            "Indholdsfortegnelse", "",
            *contents, "", "",
        ]
        return "\n".join(header) + "\n".join(bodies)

    def write_meeting(self, target: Path, item_count: int) -> Path:
        """Write the next meeting (the next working day) with `item_count` items into `target`."""
        day = next(self.days)
        path = Path(target) / f"{day.isoformat()}.txt"
        path.write_text(self.meeting_text(day, item_count), encoding="utf-8")
        return path


def generate(target: Path, items: int, seed: int = 0) -> int:
    """Write an archive of exactly `items` agenda items into `target` (created if missing), one
    file per meeting; returns the number of items written."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    generator = ArchiveGenerator(seed)
    sizes = meeting_sizes(items, random.Random(f"meeting sizes {seed}"))  # str seeds hash by SHA-512
    for size in sizes:
        generator.write_meeting(target, size)
    return sum(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder to write the meeting files into")
    parser.add_argument("--items", type=int, required=True, help="number of agenda items to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    if args.items < 0:
        parser.error("--items must be 0 or more")
    started = time.perf_counter()
    written = generate(args.target, args.items, args.seed)
    print(f"{written} items written to {args.target} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
