"""The related pane: Similar Q&A, the similar questions computed here, Related FAQ topics, and
the questions listing this one."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qatui.corpus.doctor_names import doctor_title
from qatui.corpus.store.reader import QuestionPage, QuestionRow
from qatui.tui.messages import QuestionChosen, TopicChosen
from qatui.tui.text import one_line

NOTHING_OPEN = "The open question's links show here."
COMPUTED_HEADING = "Similar here (computed)"
"""The heading of the questions :mod:`qatui.corpus.search.similar` found in this corpus."""
COMPUTING = "  finding similar questions…"
NOTHING_COMPUTED = "  nothing similar in this corpus"


def two_lines(title: str, *facts: str | None) -> Content:
    """A link's title, and under it the facts it has (``  Dr. Lin · Urology · 2020-01-01``)."""
    known = " · ".join(fact for fact in facts if fact)
    return Content("\n").join([one_line(title), one_line(f"  {known}", "dim")])


class RelatedLinks(OptionList):
    """Links of the open page; Enter opens a question or shows a topic's questions."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False, id="related.up"),
        Binding("j", "cursor_down", "Down", show=False, id="related.down"),
        Binding("g", "first", "First", show=False, id="related.first"),
        Binding("G", "last", "Last", show=False, id="related.last"),
        Binding("space", "page_down", "Page down", show=False, id="related.page_down"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Related"
        self._targets: dict[str, QuestionChosen | TopicChosen] = {}
        self._page: QuestionPage | None = None
        self._computed: list[QuestionRow] | None = None
        self._first_link: str | None = None
        """The link highlighted by itself when the page was shown (not moved to by a key)."""

    def on_mount(self) -> None:
        self.set_options([Option(Content.styled(NOTHING_OPEN, "dim"), disabled=True)])

    def action_first(self) -> None:
        """The first link, with the heading above it in view (the list scrolled to its top)."""
        super().action_first()
        self.scroll_home(animate=False)

    def show_page(self, page: QuestionPage) -> None:
        """List the page's links under their headings (the computed ones still to come)."""
        self._page = page
        self._computed = None
        self._show(keep_highlight=False)

    def show_similar(self, question_id: int, rows: list[QuestionRow]) -> None:
        """Add the similar questions computed for a page, if it is still the one shown."""
        if self._page is None or self._page.id != question_id:
            return
        self._computed = rows
        self._show(keep_highlight=True)

    def _computed_options(self) -> list[Option | None]:
        options: list[Option | None] = [
            Option(Content.styled(COMPUTED_HEADING, "bold"), disabled=True)
        ]
        if self._computed is None:
            return [*options, Option(Content.styled(COMPUTING, "dim"), disabled=True)]
        if not self._computed:
            return [*options, Option(Content.styled(NOTHING_COMPUTED, "dim"), disabled=True)]
        for n, row in enumerate(self._computed):
            key = f"computed-{n}"
            options.append(Option(two_lines(row.title, row.specialty, row.asked_on), id=key))
            self._targets[key] = QuestionChosen(row.id)
        return options

    def _show(self, *, keep_highlight: bool) -> None:
        page = self._page
        if page is None:
            return
        highlighted = (
            self.highlighted_option.id if keep_highlight and self.highlighted_option else None
        )
        if highlighted == self._first_link:
            highlighted = None  # not chosen: the new first link gets it, the list from its top
        options: list[Option | None] = []
        self._targets.clear()
        if page.similar:
            options.append(Option(Content.styled("Similar Q&A", "bold"), disabled=True))
            for n, linked in enumerate(page.similar):
                link = linked.link
                who = doctor_title(link.doctor) if link.doctor else None
                note = "not in the local corpus" if linked.target_is_partial else None
                prompt = two_lines(link.title, who, link.specialty, note)
                key = f"similar-{n}"
                options.append(Option(prompt, id=key))
                if linked.target_id is not None:
                    self._targets[key] = QuestionChosen(linked.target_id)
        options.extend(self._computed_options())
        if page.record.related_faq:
            options.append(Option(Content.styled("Related FAQ", "bold"), disabled=True))
            for n, faq in enumerate(page.record.related_faq):
                key = f"faq-{n}"
                options.append(Option(one_line(faq.label), id=key))
                self._targets[key] = TopicChosen(faq.topic, faq.specialty)
        if page.listed_by:
            options.append(Option(Content.styled("Listed as similar by", "bold"), disabled=True))
            for n, row in enumerate(page.listed_by):
                key = f"listed-{n}"
                options.append(Option(two_lines(row.title, row.specialty, row.asked_on), id=key))
                self._targets[key] = QuestionChosen(row.id)
        self.set_options(options)
        ids = [option.id if option is not None else None for option in options]
        if highlighted is not None and highlighted in ids:
            self.highlighted = ids.index(highlighted)
            return
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        self.highlighted = first
        self._first_link = ids[first] if first is not None else None
        self.scroll_home(animate=False)  # the links from their first heading,
        self.scroll_to_highlight()  # unless the first link then does not fit below it

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self._targets.get(event.option.id or "")
        if isinstance(target, QuestionChosen):
            self.post_message(QuestionChosen(target.question_id))
        elif isinstance(target, TopicChosen):
            self.post_message(TopicChosen(target.topic, target.specialty))
