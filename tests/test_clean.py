"""The cleaner, specified by must-remain and must-be-gone lists: hidden blocks and off-topic
commercial/SEO text are dropped (and listed in `Document.removed` with their reason), real
paragraphs, even about websites, SEO or marketing, always remain. Plus decoding of page
bytes, and the promise that cleaning never raises and never adds text."""

from __future__ import annotations

import codecs
from collections import Counter
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean import clean_html, decode_html, spam_score
from scraper.document import Block, Document
from scraper.profiles import load_profile
from scraper.lexicons import load_common_words
from scraper.text import words

PROFILE = load_profile("cemr")
PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
URLS = {"en": "https://ccre.org/en/actualites/view/3902", "fr": "https://ccre.org/fr/actualites/view/3903"}

PARAGRAPHS = {
    "en": [
        "Local and regional governments from twelve countries met in Ljubljana to discuss how "
        "small towns can improve their public websites and digital services.",
        "The training programme teaches municipal staff the basics of search engine optimisation "
        "(SEO), so that residents find council services online rather than commercial intermediaries.",
        "Participants also discussed the online marketing of the region as a tourist destination, "
        "and how the municipality can promote local producers on its website.",
        "The project will offer free courses in digital skills to elected representatives and "
        "civil servants until the end of 2024.",
    ],
    "fr": [
        "Des collectivités de douze pays se sont réunies à Tampere pour échanger sur les "
        "compétences numériques des agents municipaux et la qualité des sites internet des communes.",
        "Le programme de formation initie le personnel communal au référencement naturel (SEO), "
        "afin que les habitants trouvent les services de la mairie en ligne.",
        "Les participants ont aussi évoqué le marketing territorial de la région et la promotion "
        "des producteurs locaux sur le site de la commune.",
        "Le projet proposera des formations gratuites aux élus et aux agents jusqu'à la fin de "
        "l'année 2024.",
    ],
}

# Must be gone: the known injected line (as on the site) and invented kin, as (html, text).
KNOWN_SPAM = (
    'Développez vos ventes : <a href="http://www.conseil-marketing-exemple.fr/">conseil marketing</a> '
    "Organisation - Audit, conseil, coaching, formation "
    '<a href="http://www.referencement-exemple.fr/">référencement sur Google</a> de site Internet - '
    "Audit, conseil, coaching, formation "
    '<a href="http://www.referencement-exemple.fr/seo.html">Référencement naturel sur Google, SEO</a>',
    "Développez vos ventes : conseil marketing Organisation - Audit, conseil, coaching, formation "
    "référencement sur Google de site Internet - Audit, conseil, coaching, formation Référencement "
    "naturel sur Google, SEO",
)
CHEAP_SITE_FR = (
    '<a href="http://x.fr/">Création de site internet pas cher</a> - <a href="http://x.fr/lyon">agence web '
    'Lyon</a> - <a href="http://x.fr/seo">référencement naturel SEO</a>',
    "Création de site internet pas cher - agence web Lyon - référencement naturel SEO",
)
CHEAP_DESIGN_EN = (
    '<a href="http://y.com/">Cheap web design</a> - <a href="http://y.com/seo">best SEO agency</a> - '
    '<a href="http://y.com/links">buy backlinks</a>',
    "Cheap web design - best SEO agency - buy backlinks",
)
BOOST_FR = (
    'Boostez votre trafic : <a href="http://z.fr/">audit SEO gratuit</a>, <a href="http://z.fr/n">netlinking</a> '
    'et <a href="http://z.fr/p">positionnement Google</a> au meilleur prix',
    "Boostez votre trafic : audit SEO gratuit, netlinking et positionnement Google au meilleur prix",
)
HOSTING_EN_PLAIN = (
    "Best web hosting offer | SEO ranking audit | buy traffic cheap | free backlinks",
    "Best web hosting offer | SEO ranking audit | buy traffic cheap | free backlinks",
)
SENTENCE = "The mayors signed the declaration in Ljubljana on Friday."
HIDDEN_TEXT = "The draft agenda of the next Policy Committee will be published in March."


def _page(language: str, *, extra: str = "", footer: str = "", paragraphs: list[str] | None = None) -> str:
    body = "".join(f"<p>{text}</p>" for text in (paragraphs or PARAGRAPHS[language]))
    return (f'<html lang="{language}"><head><title>CEMR</title></head><body>'
            f'<div id="content"><h2>Digital towns</h2>{body}{extra}</div>'
            f'<div id="footer"><p>© CEMR 2024</p>{footer}</div></body></html>')


def _clean(language: str, *, extra: str = "", footer: str = "",
           paragraphs: list[str] | None = None) -> Document:
    html = _page(language, extra=extra, footer=footer, paragraphs=paragraphs)
    return clean_html(html, URLS[language], PROFILE)


def _content(document: Document) -> list[str]:
    return [block.text for block in document.blocks if block.is_content]


def _kept_text(document: Document) -> str:
    return "\n".join(block.text for block in document.blocks if block.is_kept)


def _removed(document: Document) -> list[tuple[str, str]]:
    return [(removal.text, removal.reason) for removal in document.removed]


# Must remain -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_paragraphs_about_websites_seo_and_marketing_remain(language: str) -> None:
    document = _clean(language)
    assert _content(document) == ["Digital towns", *PARAGRAPHS[language]]
    assert _removed(document) == []


@pytest.mark.parametrize(
    ("language", "html", "text"),
    [
        pytest.param("en", 'More information is on the <a href="https://digitaltowns.eu">Digital Towns project website</a>.',
                     "More information is on the Digital Towns project website.", id="en-project-website-link"),
        pytest.param("en", 'Download the <a href="/guide.pdf">guide to web accessibility for municipal websites</a> (PDF).',
                     "Download the guide to web accessibility for municipal websites (PDF).", id="en-guide-link"),
        pytest.param("en", "The city web agency offers free SEO audits and website advice to local shops.",
                     "The city web agency offers free SEO audits and website advice to local shops.", id="en-city-web-agency"),
        pytest.param("en", "Free training: website creation, SEO, online marketing and social media for municipal staff.",
                     "Free training: website creation, SEO, online marketing and social media for municipal staff.",
                     id="en-free-training-colon"),
        pytest.param("en", '<a href="https://x.eu/register">Register now</a> for the free online training on municipal websites.',
                     "Register now for the free online training on municipal websites.", id="en-register-link"),
        pytest.param("fr", "La commune a confié la création de son site internet à une agence web locale, après un appel d'offres.",
                     "La commune a confié la création de son site internet à une agence web locale, après un appel d'offres.",
                     id="fr-agence-web-locale"),
        pytest.param("fr", "Le guide donne des conseils pour la création du site internet de la commune et son référencement sur Google.",
                     "Le guide donne des conseils pour la création du site internet de la commune et son référencement sur Google.",
                     id="fr-guide-referencement"),
        pytest.param("fr", "Formation gratuite : création de site internet, référencement et marketing pour les agents communaux.",
                     "Formation gratuite : création de site internet, référencement et marketing pour les agents communaux.",
                     id="fr-formation-gratuite"),
        pytest.param("fr", 'Plus d\'informations sur le <a href="https://x.eu">site internet du projet</a>.',
                     "Plus d'informations sur le site internet du projet.", id="fr-site-du-projet-link"),
        # Found by the demo archive: a short list intro with one commercial word ("prix").
        pytest.param("fr", "Le prix vise à :", "Le prix vise à :", id="fr-short-intro-prix"),
        pytest.param("en", "The award offers:", "The award offers:", id="en-short-intro-offers"),
    ],
)
def test_on_topic_paragraph_remains(language: str, html: str, text: str) -> None:
    document = _clean(language, paragraphs=[*PARAGRAPHS[language], html])
    assert text in _content(document)
    assert _removed(document) == []


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [pytest.param(language, index, id=f"{language}-{index}") for language in ("en", "fr") for index in range(4)],
)
def test_real_paragraph_scores_two_at_most(language: str, paragraph: int) -> None:
    common = load_common_words()
    texts = PARAGRAPHS[language]
    others = Counter(word for index, text in enumerate(texts) if index != paragraph for word in words(text))
    score = spam_score(Block(position=0, text=texts[paragraph], kind="p", element=0),
                       page_language=language, page_words=others,
                       commercial=frozenset(common.commercial["terms"]), stopwords=dict(common.stopwords))
    assert score <= 2


# Must be gone ------------------------------------------------------------------------------


SPAM_LINES = [("known", KNOWN_SPAM), ("cheap-site-fr", CHEAP_SITE_FR), ("cheap-design-en", CHEAP_DESIGN_EN),
              ("boost-fr", BOOST_FR), ("hosting-en-plain", HOSTING_EN_PLAIN)]


@pytest.mark.parametrize(
    ("language", "spam", "where"),
    [pytest.param(language, spam, where, id=f"{name}-{language}-{where}") for name, spam in SPAM_LINES
     for language in ("en", "fr") for where in ("body", "footer", "hidden-div")],
)
def test_spam_line_is_gone(language: str, spam: tuple[str, str], where: str) -> None:
    html, text = spam
    if where == "body":
        document = _clean(language, extra=f"<p>{html}</p>")
    elif where == "footer":
        document = _clean(language, footer=f"<p>{html}</p>")
    else:
        document = _clean(language, extra=f'<div style="display:none">{html}</div>')
    assert text not in _kept_text(document)
    # A hidden spam line may be reported as either; the known line is always "spam".
    reasons = {"spam", "hidden"} if where == "hidden-div" and spam != KNOWN_SPAM else {"spam"}
    assert [removed_text for removed_text, reason in _removed(document) if reason in reasons] == [text]
    assert len(_removed(document)) == 1
    assert _content(document) == ["Digital towns", *PARAGRAPHS[language]]


@pytest.mark.parametrize(
    "element",
    [
        pytest.param(f'<div style="display:none">{HIDDEN_TEXT}</div>', id="display-none-div"),
        pytest.param(f'<p style="display: none;">{HIDDEN_TEXT}</p>', id="display-none-spaced"),
        pytest.param(f'<div style="visibility:hidden">{HIDDEN_TEXT}</div>', id="visibility-hidden"),
        pytest.param(f"<p hidden>{HIDDEN_TEXT}</p>", id="hidden-attribute"),
        pytest.param(f'<div aria-hidden="true">{HIDDEN_TEXT}</div>', id="aria-hidden-true"),
        pytest.param(f'<div class="hidden">{HIDDEN_TEXT}</div>', id="class-hidden"),
        pytest.param(f'<div style="display:none"><div><p>{HIDDEN_TEXT}</p></div></div>', id="inside-hidden-ancestor"),
    ],
)
def test_hidden_element_is_dropped_as_hidden(element: str) -> None:
    document = _clean("en", extra=element)
    assert HIDDEN_TEXT not in _kept_text(document)
    assert _removed(document) == [(HIDDEN_TEXT, "hidden")]


@pytest.mark.parametrize(
    "element",
    [
        pytest.param(f'<div aria-hidden="false">{HIDDEN_TEXT}</div>', id="aria-hidden-false"),
        pytest.param(f'<div style="display:block">{HIDDEN_TEXT}</div>', id="display-block"),
    ],
)
def test_visible_element_remains(element: str) -> None:
    document = _clean("en", extra=element)
    assert HIDDEN_TEXT in _content(document)
    assert _removed(document) == []


def test_hidden_span_inside_paragraph_is_dropped() -> None:
    paragraph = ('The mayors signed the declaration <span style="display:none">cheap viagra casino '
                 "loans</span> in Ljubljana on Friday.")
    document = _clean("en", paragraphs=[*PARAGRAPHS["en"], paragraph])
    assert "viagra" not in _kept_text(document)
    assert SENTENCE in _content(document)


def test_paragraph_starting_with_hidden_span_remains() -> None:
    paragraph = f"<span hidden>Note.</span> {SENTENCE}"
    document = _clean("en", paragraphs=[*PARAGRAPHS["en"], paragraph])
    assert SENTENCE in _content(document)


def test_real_sentence_before_inline_spam_remains() -> None:
    paragraph = f'{SENTENCE} <span style="display:none">{KNOWN_SPAM[0]}</span>'
    document = _clean("en", paragraphs=[*PARAGRAPHS["en"], paragraph])
    assert SENTENCE in _content(document)


# Decoding ----------------------------------------------------------------------------------

FRENCH = "<p>Conseil des Communes et Régions d’Europe – 5 €</p>"


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        pytest.param(f'<meta charset="windows-1252">{FRENCH}'.encode("cp1252"), None,
                     f'<meta charset="windows-1252">{FRENCH}', id="meta-charset-windows-1252"),
        pytest.param(f'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">{FRENCH}'.encode("cp1252"), None,
                     f'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">{FRENCH}',
                     id="meta-latin-1-read-as-windows-1252"),
        pytest.param(f'<meta charset="utf-8">{FRENCH}'.encode("cp1252"), "windows-1252",
                     f'<meta charset="utf-8">{FRENCH}', id="declared-charset-wins-over-meta"),
        pytest.param(FRENCH.encode("utf-8"), None, FRENCH, id="utf-8-undeclared"),
        pytest.param(FRENCH.encode("utf-8"), "no-such-charset", FRENCH, id="unknown-declared-charset-ignored"),
        pytest.param(FRENCH.encode("utf-16"), None, FRENCH, id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), None, FRENCH, id="utf-8-bom"),
    ],
)
def test_decode_html(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_html(data, declared) == expected


def test_utf8_bom_wins_over_declared_charset() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "windows-1252")
    assert decoded.lstrip("\ufeff") == FRENCH


def test_undeclared_windows_1252_page_is_sniffed() -> None:
    html = (PAGES / "fr-article-competences-numeriques.html").read_text("utf-8")
    html = html.replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />', "")
    assert "charset" not in html
    assert decode_html(html.encode("cp1252")) == html


# Never raises, never adds text -------------------------------------------------------------


def _page_words(html: str) -> set[str]:
    """Words of the body's text nodes, read both apart (block boundaries) and glued (inline
    elements: "<b>Loc</b>al")."""
    body = LexborHTMLParser(html).body
    assert body is not None
    return set(words(body.text(deep=True, separator=" "))) | set(words(body.text(deep=True)))


@pytest.mark.parametrize("page", sorted(path.name for path in PAGES.glob("*.html")))
def test_clean_never_adds_text(page: str) -> None:
    html = decode_html((PAGES / page).read_bytes())
    document = clean_html(html, URLS["en"], PROFILE)
    kept = {word for block in document.blocks if block.is_kept for word in words(block.text)}
    assert kept
    assert kept <= _page_words(html)


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("", id="empty"),
        pytest.param("plain text, no markup", id="no-markup"),
        pytest.param("<p>unclosed <b>tags <i>everywhere", id="unclosed-tags"),
        pytest.param("<p>nul\x00byte</p>", id="nul-byte"),
        pytest.param("<div>" * 5000 + "deep" + "</div>" * 5000, id="deep-nesting"),
        pytest.param('<script type="application/ld+json">{not json</script><p>text</p>', id="bad-json-ld"),
        pytest.param("<html><body></body></html>", id="empty-body"),
    ],
)
def test_clean_never_raises(html: str) -> None:
    document = clean_html(html, URLS["en"], PROFILE)
    assert all(block.text.strip() for block in document.blocks)


@pytest.mark.parametrize(
    ("attributes", "hidden"),
    [
        pytest.param('class="d-none"', True, id="d-none-hides"),
        pytest.param('class="note hidden"', True, id="hidden-token-hides"),
        pytest.param('class="field-label-hidden"', False, id="drupal-body-field-stays"),
        pytest.param('class="f_hide_x"', False, id="fragment-stays"),
    ],
)
def test_hidden_classes_are_whole_tokens(attributes: str, hidden: bool) -> None:
    html = f"<html><body><div {attributes}><p>{SENTENCE}</p></div></body></html>"
    document = clean_html(html, URLS["en"], PROFILE)
    assert (SENTENCE in _content(document)) is not hidden


def test_a_body_class_never_hides_the_page() -> None:
    html = f'<html><body class="hidden f_hide_x"><p>{SENTENCE}</p></body></html>'
    assert SENTENCE in _content(clean_html(html, URLS["en"], PROFILE))
