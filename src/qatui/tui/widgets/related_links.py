"""The related pane: Similar Q&A, Related FAQ topics, and the questions listing this one."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qatui.corpus.store.reader import QuestionPage
from qatui.tui.messages import QuestionChosen, TopicChosen
from qatui.tui.text import one_line

NOTHING_OPEN = "The open question's links show here."


class RelatedLinks(OptionList):
    """Links of the open page; Enter opens a question or shows a topic's questions."""

    ALLOW_MAXIMIZE = True  # z gives this pane the screen

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False, id="related.up"),
        Binding("j", "cursor_down", "Down", show=False, id="related.down"),
        Binding("g", "first", "First", show=False, id="related.first"),
        Binding("G", "last", "Last", show=False, id="related.last"),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Related"
        self._targets: dict[str, QuestionChosen | TopicChosen] = {}

    def on_mount(self) -> None:
        self.set_options([Option(Content.styled(NOTHING_OPEN, "dim"), disabled=True)])

    def show_page(self, page: QuestionPage) -> None:
        """List the page's links under their headings."""
        options: list[Option | None] = []
        self._targets.clear()
        if page.similar:
            options.append(Option(Content.styled("Similar Q&A", "bold"), disabled=True))
            for n, linked in enumerate(page.similar):
                link = linked.link
                who = f"Dr. {link.doctor} · " if link.doctor else ""
                note = " · not in the local corpus" if linked.target_is_partial else ""
                prompt = Content("\n").join(
                    [
                        one_line(link.title),
                        one_line(f"  {who}{link.specialty or ''}{note}", "dim"),
                    ]
                )
                key = f"similar-{n}"
                options.append(Option(prompt, id=key))
                if linked.target_id is not None:
                    self._targets[key] = QuestionChosen(linked.target_id)
        if page.record.related_faq:
            options.append(Option(Content.styled("Related FAQ", "bold"), disabled=True))
            for n, faq in enumerate(page.record.related_faq):
                key = f"faq-{n}"
                label = faq.topic + (f" ({faq.specialty})" if faq.specialty else "")
                options.append(Option(one_line(label), id=key))
                self._targets[key] = TopicChosen(faq.topic, faq.specialty)
        if page.listed_by:
            options.append(Option(Content.styled("Listed as similar by", "bold"), disabled=True))
            for n, row in enumerate(page.listed_by):
                key = f"listed-{n}"
                options.append(
                    Option(
                        Content("\n").join(
                            [
                                one_line(row.title),
                                one_line(f"  {row.specialty} · {row.asked_on or ''}", "dim"),
                            ]
                        ),
                        id=key,
                    )
                )
                self._targets[key] = QuestionChosen(row.id)
        if not options:
            options.append(
                Option(Content.styled("No related links on this page.", "dim"), disabled=True)
            )
        self.set_options(options)
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self._targets.get(event.option.id or "")
        if isinstance(target, QuestionChosen):
            self.post_message(QuestionChosen(target.question_id))
        elif isinstance(target, TopicChosen):
            self.post_message(TopicChosen(target.topic, target.specialty))
