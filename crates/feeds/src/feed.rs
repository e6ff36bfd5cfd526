//! RSS 2.0, Atom 1.0 and JSON Feed 1.1.
//!
//! Every field of every format carries either plain text or HTML, decided
//! once here and encoded for what it carries:
//!
//! | what | RSS 2.0 | Atom 1.0 | JSON Feed 1.1 |
//! |---|---|---|---|
//! | feed title | `title`: text | `title`: text | `title`: text |
//! | feed description | `description`: HTML (escaped text) | `subtitle`: text | `description`: text |
//! | headline | `title`: text | `title type="text"` | `title`: text |
//! | standfirst | `description`: HTML (escaped text) | `summary type="text"` | `summary`: text |
//! | body | `content:encoded`: HTML (sanitised) | `content type="html"` | `content_html` |
//! | bylines, categories | `dc:creator`, `category`: text | `name`, `term`: text | `name`, `tags`: text |
//! | picture credit, caption | `media:credit`, `media:description type="plain"`: text | the same | `attachments[].title`: text |
//!
//! RSS has no way to say which an element holds, and readers render its
//! `description` as HTML, so [`Entry::summary`] (plain text) is escaped as
//! HTML before it is escaped as XML: markup typed into a standfirst reaches
//! a reader as the characters typed, never as markup. RSS's plain-text
//! elements write `&`, `<` and `>` as hexadecimal character references, as
//! the RSS Best Practices Profile recommends. Atom says what each element
//! holds with `type`, and JSON Feed by the member's name.

use serde_json::{Value, json};
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{OffsetDateTime, UtcOffset};

use crate::xml::XmlWriter;
use crate::{Image, Person};

/// What a feed is: the site, a section, a tag or an author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Feed title, plain text: "The Masthead Times" or "World | The Masthead Times".
    pub title: String,
    /// One sentence, plain text.
    pub description: String,
    /// Absolute URL of the page the feed follows.
    pub page_url: String,
    /// Absolute URL of the feed itself, in the format being written.
    pub self_url: String,
    /// BCP 47 language tag.
    pub language: String,
    /// The newest change among the entries (or now, for an empty feed).
    pub updated: OffsetDateTime,
    /// A WebSub hub that readers may subscribe to, if the site has one.
    pub hub: Option<String>,
}

/// One article in a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Permanent id, `urn:uuid:…`: unchanged by edits and slug changes.
    pub id: String,
    /// Absolute URL of the article.
    pub url: String,
    /// Headline, plain text.
    pub title: String,
    /// Standfirst, plain text (written as HTML where a format's field holds HTML).
    pub summary: String,
    /// The full body, sanitised HTML.
    pub content_html: String,
    /// Publication time.
    pub published: OffsetDateTime,
    /// Last change.
    pub updated: OffsetDateTime,
    /// Bylines.
    pub authors: Vec<Person>,
    /// Section name and tag names.
    pub categories: Vec<String>,
    /// Lead picture.
    pub image: Option<Image>,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

fn rfc2822(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(&Rfc2822).unwrap_or_default()
}

fn media_content(xml: &mut XmlWriter, image: &Image) {
    let (width, height) = (image.width.to_string(), image.height.to_string());
    xml.open(
        "media:content",
        &[
            ("url", &image.url),
            ("type", &image.content_type),
            ("medium", "image"),
            ("width", &width),
            ("height", &height),
        ],
    );
    if !image.credit.is_empty() {
        xml.plain_text("media:credit", &[], &image.credit);
    }
    let description = if image.caption.is_empty() { &image.alt } else { &image.caption };
    if !description.is_empty() {
        xml.plain_text("media:description", &[("type", "plain")], description);
    }
    xml.close("media:content");
}

/// The channel as RSS 2.0, with `content:encoded` for full text and Media RSS for the lead picture.
pub fn rss(channel: &Channel, entries: &[Entry]) -> String {
    let mut xml = XmlWriter::new();
    xml.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:media", "http://search.yahoo.com/mrss/"),
        ],
    );
    xml.open("channel", &[]);
    xml.plain_text("title", &[], &channel.title);
    xml.text("link", &[], &channel.page_url);
    xml.text_as_html("description", &[], &channel.description);
    xml.text("language", &[], &channel.language);
    xml.text("lastBuildDate", &[], &rfc2822(channel.updated));
    xml.text("generator", &[], "Masthead");
    xml.empty("atom:link", &[("href", &channel.self_url), ("rel", "self"), ("type", "application/rss+xml")]);
    if let Some(hub) = &channel.hub {
        xml.empty("atom:link", &[("href", hub), ("rel", "hub")]);
    }
    for entry in entries {
        xml.newline();
        xml.open("item", &[]);
        xml.plain_text("title", &[], &entry.title);
        xml.text("link", &[], &entry.url);
        xml.text("guid", &[("isPermaLink", "false")], &entry.id);
        xml.text("pubDate", &[], &rfc2822(entry.published));
        for author in &entry.authors {
            xml.plain_text("dc:creator", &[], &author.name);
        }
        for category in &entry.categories {
            xml.plain_text("category", &[], category);
        }
        // Readers render an item's description as HTML: the plain-text standfirst is escaped as HTML first.
        xml.text_as_html("description", &[], &entry.summary);
        xml.text("content:encoded", &[], &entry.content_html);
        if let Some(image) = &entry.image {
            // RSS requires a length; the byte size is not recorded, and 0 is the accepted "unknown".
            xml.empty("enclosure", &[("url", &image.url), ("length", "0"), ("type", &image.content_type)]);
            media_content(&mut xml, image);
        }
        xml.close("item");
    }
    xml.newline();
    xml.close("channel");
    xml.close("rss");
    xml.finish()
}

/// The channel as Atom 1.0.
pub fn atom(channel: &Channel, entries: &[Entry]) -> String {
    let mut xml = XmlWriter::new();
    xml.open(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xmlns:media", "http://search.yahoo.com/mrss/"),
            ("xml:lang", &channel.language),
        ],
    );
    xml.text("id", &[], &channel.self_url);
    xml.text("title", &[], &channel.title);
    xml.text("subtitle", &[], &channel.description);
    xml.text("updated", &[], &rfc3339(channel.updated));
    xml.empty("link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &channel.self_url)]);
    xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &channel.page_url)]);
    if let Some(hub) = &channel.hub {
        xml.empty("link", &[("rel", "hub"), ("href", hub)]);
    }
    xml.text("generator", &[], "Masthead");
    for entry in entries {
        xml.newline();
        xml.open("entry", &[]);
        xml.text("id", &[], &entry.id);
        xml.text("title", &[("type", "text")], &entry.title);
        xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &entry.url)]);
        xml.text("published", &[], &rfc3339(entry.published));
        xml.text("updated", &[], &rfc3339(entry.updated));
        for author in &entry.authors {
            xml.open("author", &[]);
            xml.text("name", &[], &author.name);
            xml.text("uri", &[], &author.url);
            xml.close("author");
        }
        for category in &entry.categories {
            xml.empty("category", &[("term", category)]);
        }
        xml.text("summary", &[("type", "text")], &entry.summary);
        xml.text("content", &[("type", "html")], &entry.content_html);
        if let Some(image) = &entry.image {
            xml.empty("link", &[("rel", "enclosure"), ("type", &image.content_type), ("href", &image.url)]);
            media_content(&mut xml, image);
        }
        xml.close("entry");
    }
    xml.newline();
    xml.close("feed");
    xml.finish()
}

/// The channel as JSON Feed 1.1.
pub fn json_feed(channel: &Channel, entries: &[Entry]) -> String {
    let items: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let mut item = json!({
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.content_html,
                "date_published": rfc3339(entry.published),
                "date_modified": rfc3339(entry.updated),
                "authors": entry.authors.iter().map(|a| json!({"name": a.name, "url": a.url})).collect::<Vec<_>>(),
                "tags": entry.categories,
            });
            if let Some(image) = &entry.image {
                item["image"] = json!(image.url);
                item["attachments"] =
                    json!([{ "url": image.url, "mime_type": image.content_type, "title": image.credit }]);
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.page_url,
        "feed_url": channel.self_url,
        "language": channel.language,
        "items": items,
    });
    if let Some(hub) = &channel.hub {
        feed["hubs"] = json!([{ "type": "WebSub", "url": hub }]);
    }
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn channel() -> Channel {
        Channel {
            title: "World | The Masthead Times".into(),
            description: "International news.".into(),
            page_url: "https://news.example.com/world".into(),
            self_url: "https://news.example.com/world/feed.xml".into(),
            language: "en".into(),
            updated: datetime!(2024-01-17 12:00 UTC),
            hub: None,
        }
    }

    fn entry() -> Entry {
        Entry {
            id: "urn:uuid:01a2262d-27a0-72ba-be6e-1e568f9e9823".into(),
            url: "https://news.example.com/world/story".into(),
            title: "Russia & the “West”".into(),
            summary: "A <summary>.".into(),
            content_html: "<p>Body &amp; more</p>".into(),
            published: datetime!(2024-01-17 10:00 +01:00),
            updated: datetime!(2024-01-17 11:30 UTC),
            authors: vec![Person { name: "Elena Marchetti".into(), url: "https://news.example.com/author/em".into() }],
            categories: vec!["World".into(), "Ukraine".into()],
            image: Some(Image {
                url: "https://news.example.com/media/lead.jpg".into(),
                content_type: "image/jpeg".into(),
                width: 1200,
                height: 675,
                caption: "Davos.".into(),
                credit: "Photo from Google".into(),
                alt: "Alps".into(),
            }),
        }
    }

    #[test]
    fn rss_items_carry_a_permanent_guid_dates_in_utc_and_escaped_content() {
        let out = rss(&channel(), &[entry()]);
        assert!(out.contains("<guid isPermaLink=\"false\">urn:uuid:01a2262d-27a0-72ba-be6e-1e568f9e9823</guid>"));
        assert!(out.contains("<pubDate>Wed, 17 Jan 2024 09:00:00 +0000</pubDate>"), "{out}");
        assert!(out.contains("<title>Russia &#x26; the “West”</title>"), "{out}");
        assert!(out.contains("<description>A &amp;lt;summary&amp;gt;.</description>"), "{out}");
        assert!(out.contains("<content:encoded>&lt;p&gt;Body &amp;amp; more&lt;/p&gt;</content:encoded>"));
        assert!(out.contains("<media:credit>Photo from Google</media:credit>"));
        assert!(out.contains("<atom:link href=\"https://news.example.com/world/feed.xml\" rel=\"self\""));
    }

    #[test]
    fn markup_typed_into_any_text_field_is_never_markup_in_rss() {
        let hostile = "<img src=x onerror=alert(1)>&amp;";
        let mut channel = channel();
        channel.title = hostile.into();
        channel.description = hostile.into();
        let mut entry = entry();
        entry.title = hostile.into();
        entry.summary = hostile.into();
        entry.content_html = String::new();
        entry.authors[0].name = hostile.into();
        entry.categories = vec![hostile.into()];
        if let Some(image) = entry.image.as_mut() {
            image.credit = hostile.into();
            image.caption = hostile.into();
        }
        let out = rss(&channel, &[entry]);
        // Read as XML, a text field holds `<img…` as text; an HTML field holds `&lt;img…`, shown as text.
        assert!(!out.contains("<img") && !out.contains("&lt;img"), "{out}");
        assert_eq!(out.matches("&#x3C;img src=x onerror=alert(1)&#x3E;&#x26;amp;").count(), 6, "{out}");
        assert_eq!(out.matches("&amp;lt;img src=x onerror=alert(1)&amp;gt;&amp;amp;amp;").count(), 2, "{out}");
    }

    #[test]
    fn atom_entries_have_rfc3339_dates_and_html_content() {
        let out = atom(&channel(), &[entry()]);
        assert!(out.contains("<published>2024-01-17T09:00:00Z</published>"), "{out}");
        assert!(out.contains("<updated>2024-01-17T11:30:00Z</updated>"));
        assert!(out.contains("<content type=\"html\">&lt;p&gt;Body"));
        assert!(out.contains("<id>urn:uuid:01a2262d-27a0-72ba-be6e-1e568f9e9823</id>"));
    }

    #[test]
    fn json_feed_follows_version_1_1() {
        let out: Value = serde_json::from_str(&json_feed(&channel(), &[entry()])).unwrap();
        assert_eq!(out["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(out["items"][0]["date_published"], "2024-01-17T09:00:00Z");
        assert_eq!(out["items"][0]["image"], "https://news.example.com/media/lead.jpg");
        assert_eq!(out["items"][0]["authors"][0]["name"], "Elena Marchetti");
    }

    #[test]
    fn a_hub_is_advertised_in_every_format() {
        let mut with_hub = channel();
        with_hub.hub = Some("https://hub.example.com/".into());
        assert!(rss(&with_hub, &[]).contains("rel=\"hub\""));
        assert!(atom(&with_hub, &[]).contains("rel=\"hub\""));
        assert!(json_feed(&with_hub, &[]).contains("WebSub"));
    }
}
