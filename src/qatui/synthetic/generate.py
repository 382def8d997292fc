"""A deterministic synthetic corpus for benchmarks (``qatui generate``); never the sample corpus.

Every page is plainly synthetic: titles end in ``(synthetic #N)`` and the text is built from a
small made-up vocabulary. The shape follows the real site (FORMAT.md): its 34 specialties with
their real sizes, ask dates over 2000-2026 weighted towards recent years, replies a few days
later, the seed page's text lengths with a long tail, four Similar Q&A links per page (most lead
to another generated page, a few to pages that are not in the corpus) and Related FAQ topics.

The same count and seed always give the same pages, byte for byte: all randomness comes from
:class:`random.Random` and from an integer mix of the seed, never from the clock or ``hash()``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qatui.corpus.ingest.dates import site_date
from qatui.corpus.ingest.identity import derived_id
from qatui.corpus.model import Asker, FaqLink, Record, Reply, SimilarLink
from qatui.synthetic import DEFAULT_SEED


@dataclass(frozen=True)
class Specialty:
    """One of the site's specialties: its name, Chinese name, size (Oct 2024), FAQ topics."""

    name: str
    name_zh: str
    questions: int
    faq_topics: int


SPECIALTIES: tuple[Specialty, ...] = (
    Specialty("Obstetrics and Gynecology", "婦產科", 35089, 259),
    Specialty("Urology", "泌尿科", 24093, 242),
    Specialty("Gastroenterology", "肝膽腸胃科", 10997, 155),
    Specialty("Dermatology", "皮膚科", 9652, 171),
    Specialty("Orthopedics", "骨科", 9379, 229),
    Specialty("Ophthalmology", "眼科", 9328, 173),
    Specialty("Surgery", "外科", 8890, 204),
    Specialty("Internal Medicine", "內科", 7626, 260),
    Specialty("Otolaryngology", "耳鼻喉科", 7108, 156),
    Specialty("Psychiatry", "精神科", 6896, 131),
    Specialty("Dentistry", "牙科", 6265, 133),
    Specialty("Neurology", "神經內科", 6060, 159),
    Specialty("Cardiology", "心臟血管專科", 5314, 99),
    Specialty("Family Medicine", "家醫科", 5266, 185),
    Specialty("Pediatrics", "兒科", 3093, 96),
    Specialty("Pulmonology", "胸腔內科", 2820, 60),
    Specialty("Rehabilitation", "復健科", 2647, 110),
    Specialty("Nutrition", "營養教室", 2475, 73),
    Specialty("Oncology", "腫瘤科", 2237, 85),
    Specialty("Neurosurgery", "神經外科", 2208, 70),
    Specialty("Medication", "藥物", 2184, 28),
    Specialty("Traditional Chinese Medicine", "中醫科", 1635, 74),
    Specialty("Breast and Thyroid", "乳房甲狀腺科", 1280, 26),
    Specialty("Plastic Surgery", "整型外科", 971, 38),
    Specialty("Rare Diseases", "罕見疾病", 577, 25),
    Specialty("Radiology", "放射線科", 463, 15),
    Specialty("Physical Fitness", "體適能", 246, 4),
    Specialty("Smoking Cessation", "戒菸", 241, 6),
    Specialty("Anesthesiology", "麻醉科", 123, 5),
    Specialty("Geriatrics", "高年科", 121, 6),
    Specialty("Influenza", "流感諮詢", 85, 5),
    Specialty("Nuclear Medicine", "核子醫學科", 42, 3),
    Specialty("Diving Medicine", "潛水醫學科", 26, 1),
    Specialty("Hansen's Disease", "漢生病", 18, 1),
)
"""The site's specialties as of October 2024 (FORMAT.md, ``corpus/specialties.tsv``)."""

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)
LINKS_PER_PAGE = 4
UNRESOLVED_LINK_SHARE = 0.05
SAME_SPECIALTY_LINK_SHARE = 0.70
MORE_INFO_SHARE = 0.92
EXCERPT_CHARS = 280
SENTENCE_POOL_SIZE = 6000
PSEUDO_WORDS = 3000
CHUNK_PAGES = 1000

# Lengths in characters: log-normal (median, sigma), clamped; means near the seed page's.
QUESTION_LENGTH = (540.0, 0.5, 60, 8_000)
REPLY_LENGTH = (620.0, 0.5, 60, 9_000)
MORE_INFO_LENGTH = (3_150.0, 0.3, 600, 20_000)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMMON = _words(
    "the a of and to in is with after for on my it was but not have has this that been "
    "or at by from when also very some any more than about"
)
_MEDICAL = _words(
    "pain swelling fever cough rash headache dizziness fatigue nausea stiffness numbness itching "
    "bleeding discharge lump tenderness pressure weakness cramps tingling soreness redness "
    "knee shoulder back neck chest stomach skin eye ear throat tooth wrist ankle hip liver "
    "kidney bladder heart lung breast thyroid scalp jaw elbow spine gums sinus "
    "scan biopsy test dose tablet cream injection therapy surgery check result report level "
    "count clinic doctor treatment symptoms week month morning night daily exercise sleep diet "
    "mild sharp dull chronic sudden recurring persistent occasional severe slight"
)
_SYLLABLES = _words(
    "ka lo mi ren tu sa vel dor pi qua zen mo ri ta ne fu li bo shi xa "
    "no ve ru ha ki te sol mar ga "
)
_TITLE_OPENINGS = (
    "Persistent",
    "Sudden",
    "Recurring",
    "Mild",
    "Sharp",
    "Chronic",
    "Occasional",
    "Night-time",
    "Worsening",
    "Unexplained",
    "Lingering",
    "Intermittent",
)
_TITLE_PARTS = (
    "knee", "shoulder", "back", "neck", "chest", "stomach", "skin", "eye", "ear", "throat",
    "tooth", "wrist", "ankle", "hip", "scalp", "jaw", "elbow", "sinus", "gum", "foot",
)  # fmt: skip
_TITLE_SYMPTOMS = (
    "pain", "swelling", "stiffness", "numbness", "itching", "redness", "tenderness", "cramps",
    "tingling", "soreness", "weakness", "pressure", "bleeding", "discomfort",
)  # fmt: skip
_TITLE_ENDINGS = (
    "after exercise",
    "during treatment",
    "in the morning",
    "after a scan",
    "with no clear cause",
    "after a long flight",
    "since last winter",
    "after new tablets",
    "when lying down",
    "after a minor fall",
    "while travelling",
    "after a check-up",
)
_AGE_BANDS = ("10~19", "20~29", "30~39", "40~49", "50~59", "60~69", "70~79", "80~89")
_AGE_WEIGHTS = (6, 22, 28, 18, 12, 8, 4, 2)
_MASK = (1 << 64) - 1


def _mix(*parts: int) -> int:
    """A 64-bit integer hash of the parts (splitmix64): stable across runs and Pythons."""
    x = 0
    for part in parts:
        x = ((x ^ (part & _MASK)) + 0x9E3779B97F4A7C15) & _MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
        x ^= x >> 31
    return x


def _next(state: int) -> int:
    """The next state of a 64-bit linear congruential sequence (cheap follow-up draws)."""
    return (state * 6364136223846793005 + 1442695040888963407) & _MASK


def _lognormal(rng: random.Random, shape: tuple[float, float, int, int]) -> int:
    median, sigma, low, high = shape
    return max(low, min(high, int(rng.lognormvariate(math.log(median), sigma))))


def _excerpt(text: str) -> str:
    """The site's cut of a text for a Similar Q&A entry."""
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rstrip() + "..."


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


class Vocabulary:
    """The made-up words and sentences one seed's corpus is written in."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(_mix(seed, 0x766F6361))
        pseudo: list[str] = []
        seen = set(_COMMON) | set(_MEDICAL)
        while len(pseudo) < PSEUDO_WORDS:
            word = "".join(rng.choices(_SYLLABLES, k=rng.choice((2, 2, 3))))
            if word not in seen:
                seen.add(word)
                pseudo.append(word)
        words = [*_COMMON, *_MEDICAL, *pseudo]
        cumulative: list[float] = []
        total = 0.0
        for rank in range(len(words)):
            total += 1.0 / (rank + 4)
            cumulative.append(total)
        self.sentences = [self._sentence(rng, words, cumulative) for _ in range(SENTENCE_POOL_SIZE)]
        self.mean_sentence = sum(map(len, self.sentences)) / len(self.sentences)
        self.people = [_capitalised("".join(rng.choices(_SYLLABLES, k=2))) for _ in range(400)]

    @staticmethod
    def _sentence(rng: random.Random, words: list[str], cumulative: list[float]) -> str:
        picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 20))
        if len(picked) > 9 and rng.random() < 0.4:
            picked[len(picked) // 2] += ","
        end = "?" if rng.random() < 0.15 else "."
        return _capitalised(" ".join(picked)) + end

    def rare_word(self, rng: random.Random) -> str:
        """A fresh three-syllable word: each one names only a few pages (for search)."""
        return "".join(rng.choices(_SYLLABLES, k=3))


@dataclass(frozen=True)
class LinkTarget:
    """Where a generated Similar Q&A entry leads: a generated page's id, or a page not there."""

    question_id: int
    in_corpus: bool
    number: int
    """The page number it quotes (its question and reply open with what the link quotes)."""


@dataclass(frozen=True)
class GeneratedPage:
    """One generated record, its id as the store derives it, and where its links lead."""

    number: int
    id: int
    record: Record
    targets: tuple[LinkTarget, ...]


class CorpusPlan:
    """Everything about ``count`` pages that other pages need: specialty, date, id, title.

    Page ``n``'s title, doctor and the openings of its question and reply are functions of
    ``(seed, n)``, so a page that links to it can quote them before it is generated.
    """

    def __init__(self, count: int, seed: int = DEFAULT_SEED) -> None:
        if count < 0:
            raise ValueError("count must be zero or more")
        self.count = count
        self.seed = seed
        self._salt = _mix(seed)
        self.words = Vocabulary(seed)
        rng = random.Random(_mix(seed, 0x706C616E))
        self.specialty_of = array("B", self._specialties(rng, count))
        self.asked_day = array("l", self._ask_days(rng, count))
        self.members: list[array[int]] = [array("l") for _ in SPECIALTIES]
        for number, index in enumerate(self.specialty_of):
            self.members[index].append(number)
        self.ids = array("q", (self._derive_id(number) for number in range(count)))
        self.doctors = [self._doctor_names(rng, spec) for spec in SPECIALTIES]
        self.topics = [self._topic_names(rng, spec) for spec in SPECIALTIES]

    # -- per-corpus tables -------------------------------------------------------------------

    @staticmethod
    def _specialties(rng: random.Random, count: int) -> list[int]:
        weights = [spec.questions for spec in SPECIALTIES]
        return rng.choices(range(len(SPECIALTIES)), weights=weights, k=count)

    @staticmethod
    def _ask_days(rng: random.Random, count: int) -> Iterator[int]:
        years = list(range(FIRST_DAY.year, LAST_DAY.year + 1))
        starts = [max(dt.date(year, 1, 1), FIRST_DAY).toordinal() for year in years]
        ends = [min(dt.date(year, 12, 31), LAST_DAY).toordinal() for year in years]
        # Weight grows with the year (the site grew); a year's weight is spread over its days.
        weights = [(year - FIRST_DAY.year + 1) * (end - start + 1) for year, start, end in
                   zip(years, starts, ends, strict=True)]  # fmt: skip
        for index in rng.choices(range(len(years)), weights=weights, k=count):
            yield rng.randint(starts[index], ends[index])

    def _doctor_names(self, rng: random.Random, spec: Specialty) -> list[str]:
        people = self.words.people
        return [
            f"{rng.choice(people)} {rng.choice(people)}{rng.choice(_SYLLABLES)}"
            for _ in range(max(2, spec.questions // 400))
        ]

    def _topic_names(self, rng: random.Random, spec: Specialty) -> list[str]:
        names = [
            f"{_capitalised(part)} {_capitalised(symptom)}"
            for part in _TITLE_PARTS
            for symptom in _TITLE_SYMPTOMS
        ]
        names += [f"{_capitalised(word)} Syndrome" for word in self.words.people]
        return rng.sample(names, spec.faq_topics)

    # -- what any page can know about page ``number`` ----------------------------------------

    def specialty(self, number: int, fallback: int) -> int:
        """Page ``number``'s specialty index (``fallback`` for a page beyond the corpus)."""
        return self.specialty_of[number] if number < self.count else fallback

    def _hash(self, number: int, part: int) -> int:
        """A 64-bit hash of (seed, page number, part): one splitmix64 round."""
        return _mix(self._salt ^ (number << 3 | part))

    def title(self, number: int, specialty: int) -> str:
        """A plainly synthetic title, unique per page number."""
        h = self._hash(number, 1)
        words = (
            _TITLE_OPENINGS[h % len(_TITLE_OPENINGS)],
            _TITLE_PARTS[(h >> 8) % len(_TITLE_PARTS)],
            _TITLE_SYMPTOMS[(h >> 16) % len(_TITLE_SYMPTOMS)],
            _TITLE_ENDINGS[(h >> 24) % len(_TITLE_ENDINGS)],
        )
        zh = f" {SPECIALTIES[specialty].name_zh}" if (h >> 32) % 8 == 0 else ""
        return f"{' '.join(words)}{zh} (synthetic #{number + 1})"

    def asked_on(self, number: int) -> str:
        return dt.date.fromordinal(self.asked_day[number]).isoformat()

    def doctor(self, number: int, specialty: int) -> str:
        names = self.doctors[specialty]
        return names[self._hash(number, 2) % len(names)]

    def opening(self, number: int, part: int) -> str:
        """The first paragraph of page ``number``'s question (part 3) or reply (part 4)."""
        sentences = self.words.sentences
        state = self._hash(number, part)
        picked: list[str] = []
        for _ in range(2 + state % 3):
            state = _next(state)
            picked.append(sentences[(state >> 33) % len(sentences)])
        return " ".join(picked)

    def _derive_id(self, number: int) -> int:
        index = self.specialty_of[number]
        name = SPECIALTIES[index].name
        return derived_id(name, self.title(number, index), self.asked_on(number))

    def link_to(self, number: int, page_specialty: int) -> SimilarLink:
        """A Similar Q&A entry for page ``number`` as another page quotes it."""
        index = self.specialty(number, page_specialty)
        title = self.title(number, index)
        return SimilarLink(
            title=title,
            question_excerpt=_excerpt(self.opening(number, 3)),
            doctor=self.doctor(number, index),
            specialty=SPECIALTIES[index].name,
            reply_excerpt=_excerpt(self.opening(number, 4)),
            read_more=title,
        )

    # -- whole pages -------------------------------------------------------------------------

    @property
    def chunks(self) -> int:
        """How many blocks of :data:`CHUNK_PAGES` pages the corpus has (the last may be short)."""
        return -(-self.count // CHUNK_PAGES)

    def chunk(self, index: int) -> Iterator[GeneratedPage]:
        """The pages of one block; each block has its own random stream, so blocks can be
        generated apart (in worker processes) and still give the same corpus."""
        rng = random.Random(_mix(self.seed, 0x70616765, index))
        start = index * CHUNK_PAGES
        for number in range(start, min(self.count, start + CHUNK_PAGES)):
            yield self._page(rng, number)

    def pages(self) -> Iterator[GeneratedPage]:
        """Every page in order (the order page files sort in, and the order they import in)."""
        for index in range(self.chunks):
            yield from self.chunk(index)

    def _page(self, rng: random.Random, number: int) -> GeneratedPage:
        index = self.specialty_of[number]
        name = SPECIALTIES[index].name
        asked_day = self.asked_day[number]
        replied = dt.date.fromordinal(asked_day + min(30, int(rng.expovariate(1 / 3))))
        words = self.words
        subject = rng.choice(words.sentences)[:-1] + f" {words.rare_word(rng)}?"
        question = self._text(rng, self.opening(number, 3), QUESTION_LENGTH, "\n", 4)
        reply = self._text(rng, self.opening(number, 4), REPLY_LENGTH, "\n", 3)
        more_info = None
        if rng.random() < MORE_INFO_SHARE:
            more_info = self._text(rng, "", MORE_INFO_LENGTH, " ", 5)
        links, targets = self._links(rng, number, index)
        record = Record(
            title=self.title(number, index),
            specialty=name,
            subject=subject,
            question=question,
            asker=Asker(
                rng.choice(words.people),
                rng.choices(_AGE_BANDS, weights=_AGE_WEIGHTS)[0],
                "female" if rng.random() < 0.6 else "male",
            ),
            asked_on=self.asked_on(number),
            replies=(Reply(self.doctor(number, index), name, reply, replied.isoformat()),),
            more_info=more_info,
            similar=links,
            related_faq=self._related(rng, index),
        )
        return GeneratedPage(number, self.ids[number], record, targets)

    def _text(
        self,
        rng: random.Random,
        opening: str,
        shape: tuple[float, float, int, int],
        joiner: str,
        paragraph: int,
    ) -> str:
        """``opening`` then pool sentences up to a drawn length, in paragraphs."""
        target = _lognormal(rng, shape) - len(opening)
        if target <= 0:
            return opening
        sentences = rng.choices(self.words.sentences, k=1 + int(target / self.words.mean_sentence))
        paragraphs = [opening] if opening else []
        paragraphs += [
            joiner.join(sentences[start : start + paragraph])
            for start in range(0, len(sentences), paragraph)
        ]
        return "\n\n".join(paragraphs)

    def _links(
        self, rng: random.Random, number: int, index: int
    ) -> tuple[tuple[SimilarLink, ...], tuple[LinkTarget, ...]]:
        chosen: list[int] = []
        targets: list[LinkTarget] = []
        for _ in range(LINKS_PER_PAGE):
            other = self._link_number(rng, number, index, chosen)
            chosen.append(other)
            if other < self.count:
                targets.append(LinkTarget(self.ids[other], True, other))
            else:
                title = self.title(other, index)
                partial_id = derived_id(SPECIALTIES[index].name, title, None)
                targets.append(LinkTarget(partial_id, False, other))
        return tuple(self.link_to(other, index) for other in chosen), tuple(targets)

    def _link_number(self, rng: random.Random, number: int, index: int, chosen: list[int]) -> int:
        """The page a link leads to: mostly the same specialty, a few beyond the corpus."""
        for _ in range(10):
            draw = rng.random()
            if draw < UNRESOLVED_LINK_SHARE or self.count < 2:
                other = self.count + rng.randrange(self.count // 2 + 1)
            elif draw < UNRESOLVED_LINK_SHARE + SAME_SPECIALTY_LINK_SHARE:
                members = self.members[index]
                other = members[rng.randrange(len(members))]
            else:
                other = rng.randrange(self.count)
            if other != number and other not in chosen:
                return other
        return self.count + self.count // 2 + 1 + len(chosen)

    def _related(self, rng: random.Random, index: int) -> tuple[FaqLink, ...]:
        links: list[FaqLink] = []
        for _ in range(rng.randint(3, 6)):
            spec = index if rng.random() < 0.8 else rng.randrange(len(SPECIALTIES))
            link = FaqLink(rng.choice(self.topics[spec]), SPECIALTIES[spec].name)
            if link not in links:
                links.append(link)
        return tuple(links)


def generate_records(count: int, seed: int = DEFAULT_SEED) -> Iterator[Record]:
    """The ``count`` records of a synthetic corpus, in import order."""
    return (page.record for page in CorpusPlan(count, seed).pages())


# -- page files --------------------------------------------------------------------------------


def page_text(record: Record) -> str:
    """A record in the seed's page text layout (FORMAT.md); ``parse_page`` reads it back."""
    asker = record.asker or Asker()
    lines = [f"{record.title} - {record.specialty}", "", "Share to:", ""]
    if record.subject:
        lines += [record.subject, ""]
    lines += [
        record.question,
        "",
        f"{asker.name}, {asker.age} year old {asker.gender}. "
        f"Ask Date: {site_date(record.asked_on or '')}",
        "",
    ]
    for reply in record.replies:
        lines += [
            f"Dr. {reply.doctor} reply {reply.specialty}",
            "",
            reply.body,
            "",
            f"Reply Date: {site_date(reply.replied_on or '')}",
            "",
        ]
    if record.more_info:
        lines += ["More Info", "", record.more_info, ""]
    if record.similar:
        lines += ["Similar Q&A", ""]
        for link in record.similar:
            lines += [link.title, "", link.question_excerpt or "", "", ""]
            lines += [f"Dr. {link.doctor} reply {link.specialty}", link.reply_excerpt or "", ""]
            lines += [f"[Read More] {link.read_more or link.title}", "", ""]
    if record.related_faq:
        lines += ["Related FAQ", ""]
        for faq in record.related_faq:
            lines += [faq.topic, "", f"({faq.specialty})", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def page_file_name(number: int, count: int) -> str:
    """``0001/0001234.txt``: folders of 1,000 files that sort in page order."""
    width = max(7, len(str(max(0, count - 1))))
    name = f"{number:0{width}d}"
    return f"{name[:-3]}/{name}.txt"


Progress = Callable[[str, int], None]
"""Called with a phase name and how many pages it just finished."""


def write_pages(
    directory: Path, count: int, seed: int = DEFAULT_SEED, progress: Progress | None = None
) -> int:
    """Write ``count`` page files under ``directory``; returns how many were written."""
    written = 0
    for page in CorpusPlan(count, seed).pages():
        path = directory / page_file_name(page.number, count)
        if page.number % 1000 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(page.record), encoding="utf-8")
        written += 1
        if progress and written % 1000 == 0:
            progress("writing pages", 1000)
    if progress and written % 1000:
        progress("writing pages", written % 1000)
    return written
