//! Sitemaps (sitemaps.org 0.9), the Google News sitemap and robots.txt.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::xml::XmlWriter;

/// The most URLs one sitemap may list (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// A URL and when what it shows last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Absolute URL.
    pub url: String,
    /// Last change.
    pub last_modified: OffsetDateTime,
}

/// An article for the News sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsItem {
    /// Absolute URL.
    pub url: String,
    /// Headline.
    pub title: String,
    /// Publication time.
    pub published: OffsetDateTime,
}

fn w3c_datetime(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

/// A sitemap index naming other sitemaps.
pub fn index(sitemaps: &[Location]) -> String {
    let mut xml = XmlWriter::new();
    xml.open("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    for sitemap in sitemaps {
        xml.newline();
        xml.open("sitemap", &[]);
        xml.text("loc", &[], &sitemap.url);
        xml.text("lastmod", &[], &w3c_datetime(sitemap.last_modified));
        xml.close("sitemap");
    }
    xml.newline();
    xml.close("sitemapindex");
    xml.finish()
}

/// A sitemap listing pages. Callers split lists longer than [`MAX_URLS`].
pub fn url_set(urls: &[Location]) -> String {
    let mut xml = XmlWriter::new();
    xml.open("urlset", &[("xmlns", SITEMAP_NS)]);
    for url in urls.iter().take(MAX_URLS) {
        xml.newline();
        xml.open("url", &[]);
        xml.text("loc", &[], &url.url);
        xml.text("lastmod", &[], &w3c_datetime(url.last_modified));
        xml.close("url");
    }
    xml.newline();
    xml.close("urlset");
    xml.finish()
}

/// The Google News sitemap: the articles of the last two days.
/// `language` is the site's BCP 47 tag; News wants its ISO 639 part.
pub fn news(publication: &str, language: &str, items: &[NewsItem]) -> String {
    let language = language.split('-').next().unwrap_or(language).to_ascii_lowercase();
    let mut xml = XmlWriter::new();
    xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)]);
    for item in items.iter().take(1000) {
        xml.newline();
        xml.open("url", &[]);
        xml.text("loc", &[], &item.url);
        xml.open("news:news", &[]);
        xml.open("news:publication", &[]);
        xml.text("news:name", &[], publication);
        xml.text("news:language", &[], &language);
        xml.close("news:publication");
        xml.text("news:publication_date", &[], &w3c_datetime(item.published));
        xml.text("news:title", &[], &item.title);
        xml.close("news:news");
        xml.close("url");
    }
    xml.newline();
    xml.close("urlset");
    xml.finish()
}

/// `robots.txt`: everything may be crawled, and here are the sitemaps.
pub fn robots_txt(sitemap_urls: &[String]) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n\n");
    for url in sitemap_urls {
        // A URL with a line break would forge robots rules; the site's own URLs never have one.
        if !url.contains(['\n', '\r']) {
            out.push_str("Sitemap: ");
            out.push_str(url);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_url_set_lists_locations_with_w3c_dates() {
        let out = url_set(&[Location {
            url: "https://x.test/a?b&c".into(),
            last_modified: datetime!(2024-01-17 10:00 +01:00),
        }]);
        assert!(out.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
        assert!(out.contains("<loc>https://x.test/a?b&amp;c</loc><lastmod>2024-01-17T09:00:00Z</lastmod>"), "{out}");
    }

    #[test]
    fn the_news_sitemap_names_the_publication_and_language() {
        let out = news(
            "The Masthead Times",
            "en-GB",
            &[NewsItem {
                url: "https://x.test/a".into(),
                title: "A & B".into(),
                published: datetime!(2024-01-17 09:00 UTC),
            }],
        );
        assert!(out.contains("<news:name>The Masthead Times</news:name><news:language>en</news:language>"), "{out}");
        assert!(out.contains("<news:publication_date>2024-01-17T09:00:00Z</news:publication_date>"));
        assert!(out.contains("<news:title>A &amp; B</news:title>"));
    }

    #[test]
    fn robots_txt_names_each_sitemap() {
        let out = robots_txt(&["https://x.test/sitemap.xml".into(), "https://x.test/\nDisallow: /".into()]);
        assert_eq!(out, "User-agent: *\nAllow: /\n\nSitemap: https://x.test/sitemap.xml\n");
    }
}
