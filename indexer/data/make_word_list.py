"""Writes danish-words.txt, the word list compound splitting reads (indexer.compounds.Decompounder).

Run by a developer, never at run time, with wordfreq installed beside the project (`pip install
wordfreq==3.1.1`): the list is data of the analysis, so a change to it must come with a new
ANALYSIS_VERSION, which a dependency that updates itself could not promise.

    python indexer/data/make_word_list.py
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import wordfreq

OUTPUT = Path(__file__).with_name("danish-words.txt")
WORD = re.compile(r"[a-zæøåéü]{2,}")  # letters only (wordfreq lower-cases every word)

HEADER = f"""\
# Danish words and their Zipf frequency (log10 of the occurrences per billion words), one a line,
# for splitting compound words (indexer/compounds.py, Decompounder). Made by make_word_list.py from
# wordfreq {version('wordfreq')}'s Danish list ("small_da"; https://github.com/rspeer/wordfreq).
# Licence of this file: CC BY-SA 4.0, as wordfreq's data (built from Wikipedia, OpenSubtitles,
# Reddit, Twitter, the Leeds Internet Corpus, Common Crawl and others; see wordfreq's README).
"""


def main() -> None:
    frequencies = wordfreq.get_frequency_dict("da", wordlist="small")
    lines = [f"{word} {wordfreq.zipf_frequency(word, 'da', wordlist='small'):.2f}"
             for word in sorted(frequencies) if WORD.fullmatch(word)]
    OUTPUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(lines)} words")


if __name__ == "__main__":
    main()
