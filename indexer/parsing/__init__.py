"""The minutes parser, in small pure rules: the text of one minutes document in, a `Meeting` out. No I/O.

The same rules run in order for every layout (`indexer.layouts`), whose patterns and flags tell them
what to look for, in the manner of a block parser:
- `text`: glued headings cut apart, table borders and line ends normalised; paragraphs and inline HTML;
- `heads`: the layout that fits, and its item headings (contents entries and numbered lines of text left out);
- `header`: committee, date, time, place, participants, municipality, the meeting's attendance;
- `items`: per item, the ordered `ITEM_RULES` (title, closed, run-in headings, cut mark, attendance, page
  furniture, attachments, case number, sections with the repeated title and page-break rejoin, other
  titles, the attachments section, decision, then the municipal rules);
- `draft`: the item the rules pass along (`ItemDraft`), and the shape of a rule;
- `lines`: a line against a layout's patterns, and which section a heading line starts;
- `decisions`: a decision's parts and their verdicts;
- `municipal`: one municipality's own rules (Høje-Taastrup's centres and proposers);
- `errors`: `ParseError`;
- `minutes`: the pipeline from text to `Meeting`, and the warnings about a whole meeting.

`indexer.parse` is the public entry point.
"""
