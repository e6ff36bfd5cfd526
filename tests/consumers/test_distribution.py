"""Masthead's feeds, sitemaps and page metadata, read by the tools their
consumers use: feedparser (the parser behind many feed readers), extruct
(structured data as search engines extract it) and the sitemaps.org and
Google News XML schemas."""

import datetime
import json
import pathlib
import re

import extruct
import feedparser
import pytest
from lxml import etree

SEED = "/world/us-doubtful-on-ukraine-ceasefire"
SEED_HEADLINE = "US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith"
SCHEMAS = pathlib.Path(__file__).parent / "schemas"
FEED_PAGES = ["", "/world", "/politics", "/business", "/tag/ukraine", "/tag/russia", "/author/elena-marchetti"]
FEED_FILES = ["feed.xml", "feed.atom", "feed.json"]


def parse_feed(site, path):
    status, headers, body = site.fetch(path)
    assert status == 200, path
    if path.endswith(".json"):
        return json.loads(body)
    return feedparser.parse(body)


@pytest.mark.parametrize("page", FEED_PAGES)
@pytest.mark.parametrize("kind", ["feed.xml", "feed.atom"])
def test_feedparser_reads_every_xml_feed_cleanly(site, page, kind):
    feed = parse_feed(site, f"{page}/{kind}")
    assert feed.bozo == 0, f"{page}/{kind}: {feed.get('bozo_exception')}"
    assert feed.version == ("rss20" if kind == "feed.xml" else "atom10")
    assert feed.entries, "the feed has entries"
    for entry in feed.entries:
        assert entry.title and entry.link and entry.id
        assert entry.published_parsed is not None, "a parseable publication date"
        assert entry.get("content") and entry.content[0].value.strip(), "full content"


@pytest.mark.parametrize("page", FEED_PAGES)
def test_json_feeds_follow_version_1_1(site, page):
    feed = parse_feed(site, f"{page}/feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["items"]
    for item in feed["items"]:
        assert item["id"].startswith("urn:uuid:")
        assert item["title"] and item["url"] and item["content_html"]
        datetime.datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))


def test_a_feed_reader_shows_the_seed_article_with_its_image_and_date(site):
    feed = parse_feed(site, "/feed.xml")
    entry = next(e for e in feed.entries if e.title == SEED_HEADLINE)
    assert entry.link == site.url + SEED
    images = [m for m in entry.get("media_content", []) if m.get("medium") == "image"]
    assert images and images[0]["url"] == site.url + "/media/davos-lead.svg"
    assert entry.get("media_credit") and entry.media_credit[0]["content"] == "Photo from Google"
    assert any(e["href"] == images[0]["url"] for e in entry.enclosures)
    published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.timezone.utc)
    age = datetime.datetime.now(datetime.timezone.utc) - published
    assert datetime.timedelta(0) <= age < datetime.timedelta(hours=2), f"published {age} ago (the demo says 1 hour)"
    assert "Doubts Persist Despite Openness" in entry.content[0].value


def test_the_feeds_name_each_byline(site):
    feed = parse_feed(site, "/feed.atom")
    entry = next(e for e in feed.entries if e.title == SEED_HEADLINE)
    assert [a["name"] for a in entry.authors] == ["Elena Marchetti"]


def test_the_seed_article_has_complete_news_article_data_and_opengraph(site):
    status, _, body = site.fetch(SEED)
    assert status == 200
    data = extruct.extract(body.decode(), base_url=site.url + SEED, syntaxes=["json-ld", "opengraph"], uniform=True)
    graph = [node for block in data["json-ld"] for node in block.get("@graph", [block])]
    article = next(node for node in graph if node.get("@type") == "NewsArticle")
    for field in ["headline", "description", "datePublished", "dateModified", "author", "publisher", "image",
                  "articleSection", "keywords"]:
        assert article.get(field), f"NewsArticle lacks {field}"
    assert article["headline"] == SEED_HEADLINE
    assert all(a["@type"] == "Person" and a["name"] and a["url"] for a in article["author"])
    assert article["publisher"]["@type"] == "Organization" and article["publisher"]["logo"]["url"]
    assert any(node.get("@type") == "BreadcrumbList" for node in graph)
    og = {}
    for block in data["opengraph"]:
        for key, value in block.items():
            og.setdefault(key, []).append(value)
    # extruct's uniform output carries og:type as @type.
    assert og.get("@type") == ["article"], og.get("@type")
    for prop in ["og:title", "og:url", "og:image", "og:image:width", "og:image:height", "og:image:alt",
                 "article:published_time", "article:modified_time", "article:section", "article:tag"]:
        assert og.get(prop), f"OpenGraph lacks {prop}: {sorted(og)}"


@pytest.mark.parametrize("path", ["/world", "/tag/ukraine", "/author/elena-marchetti"])
def test_listing_pages_are_collection_pages(site, path):
    _, _, body = site.fetch(path)
    data = extruct.extract(body.decode(), base_url=site.url + path, syntaxes=["json-ld"], uniform=True)
    types = [node.get("@type") for block in data["json-ld"] for node in block.get("@graph", [block])]
    assert "CollectionPage" in types and "BreadcrumbList" in types


def sitemap_urls(body):
    return re.findall(r"<loc>([^<]+)</loc>", body.decode())


def test_every_sitemap_validates_against_its_schema_and_every_url_answers(site):
    index_schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
    urlset_schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "urlset-with-news.xsd")))
    status, _, body = site.fetch("/sitemap.xml")
    assert status == 200
    index_schema.assertValid(etree.fromstring(body))
    children = sitemap_urls(body)
    assert any(c.endswith("/sitemaps/news.xml") for c in children)
    checked = 0
    for child in children:
        status, _, child_body = site.fetch(child[len(site.url):])
        assert status == 200, child
        urlset_schema.assertValid(etree.fromstring(child_body))
        for url in sitemap_urls(child_body):
            status, _, _ = site.fetch(url[len(site.url):])
            assert status == 200, f"{url} listed in {child}"
            checked += 1
    assert checked >= 11 + 5


def test_the_news_sitemap_has_the_seed_article_while_it_is_under_48_hours_old(site):
    _, _, body = site.fetch("/sitemaps/news.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    root = etree.fromstring(body)
    entries = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    seed = entries[site.url + SEED]
    assert seed.findtext("n:news/n:title", namespaces=ns) == SEED_HEADLINE
    assert seed.findtext("n:news/n:publication/n:name", namespaces=ns) == "The Masthead Times"
    assert seed.findtext("n:news/n:publication/n:language", namespaces=ns) == "en"
    now = datetime.datetime.now(datetime.timezone.utc)
    for url in entries.values():
        published = datetime.datetime.fromisoformat(url.findtext("n:news/n:publication_date", namespaces=ns).replace("Z", "+00:00"))
        assert now - published <= datetime.timedelta(hours=48)


def test_robots_txt_names_the_sitemaps(site):
    _, _, body = site.fetch("/robots.txt")
    lines = body.decode().splitlines()
    assert f"Sitemap: {site.url}/sitemap.xml" in lines


@pytest.mark.parametrize(
    "broken",
    [
        "<url><lastmod>2024-01-17</lastmod></url>",  # no loc
        "<url><loc>https://x.test/a</loc><lastmod>yesterday</lastmod></url>",
        "<url><loc>/relative</loc></url>",
        "<url><loc>https://x.test/a</loc><n:news><n:publication><n:name>X</n:name>"
        "<n:language>english</n:language></n:publication><n:publication_date>2024-01-17</n:publication_date>"
        "<n:title>T</n:title></n:news></url>",
        "<url><loc>https://x.test/a</loc><n:news><n:publication_date>2024-01-17</n:publication_date>"
        "<n:title>T</n:title></n:news></url>",  # no publication
    ],
)
def test_the_schemas_refuse_a_broken_sitemap(broken):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "urlset-with-news.xsd")))
    document = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">{broken}</urlset>'
    )
    assert not schema.validate(etree.fromstring(document))
