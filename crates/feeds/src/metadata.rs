//! schema.org JSON-LD for article and listing pages.

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::{Image, Person};

/// The organisation that publishes the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// Name.
    pub name: String,
    /// Absolute URL of the front page.
    pub url: String,
    /// Absolute URL of the logo.
    pub logo_url: String,
    /// Logo width in pixels.
    pub logo_width: u32,
    /// Logo height in pixels.
    pub logo_height: u32,
}

/// What `NewsArticle` says about an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFacts {
    /// Canonical absolute URL.
    pub url: String,
    /// Headline.
    pub headline: String,
    /// Standfirst.
    pub description: String,
    /// Publication time.
    pub published: OffsetDateTime,
    /// Last change.
    pub modified: OffsetDateTime,
    /// Bylines.
    pub authors: Vec<Person>,
    /// Section name.
    pub section: String,
    /// Tag names.
    pub keywords: Vec<String>,
    /// The lead picture in each available shape, largest first.
    pub images: Vec<Image>,
    /// BCP 47 language tag.
    pub language: String,
}

/// One step of a breadcrumb trail: name and absolute URL.
pub type Crumb = (String, String);

fn datetime(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

fn breadcrumb_list(crumbs: &[Crumb]) -> Value {
    json!({
        "@type": "BreadcrumbList",
        "itemListElement": crumbs.iter().enumerate().map(|(i, (name, url))| json!({
            "@type": "ListItem", "position": i + 1, "name": name, "item": url,
        })).collect::<Vec<_>>(),
    })
}

fn organization(publisher: &Publisher) -> Value {
    json!({
        "@type": "Organization",
        "name": publisher.name,
        "url": publisher.url,
        "logo": { "@type": "ImageObject", "url": publisher.logo_url, "width": publisher.logo_width, "height": publisher.logo_height },
    })
}

/// `NewsArticle` and its `BreadcrumbList`, as the text of a
/// `<script type="application/ld+json">` element.
pub fn news_article(article: &ArticleFacts, publisher: &Publisher, crumbs: &[Crumb]) -> String {
    let images: Vec<Value> = article
        .images
        .iter()
        .map(|image| {
            json!({
                "@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height,
                "caption": image.caption,
            })
        })
        .collect();
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "mainEntityOfPage": { "@type": "WebPage", "@id": article.url },
                "url": article.url,
                "headline": article.headline,
                "description": article.description,
                "datePublished": datetime(article.published),
                "dateModified": datetime(article.modified),
                "author": article.authors.iter().map(|a| json!({"@type": "Person", "name": a.name, "url": a.url})).collect::<Vec<_>>(),
                "publisher": organization(publisher),
                "image": images,
                "articleSection": article.section,
                "keywords": article.keywords,
                "inLanguage": article.language,
            },
            breadcrumb_list(crumbs),
        ],
    });
    script_safe(&graph)
}

/// `CollectionPage` (a section, tag or author page) and its `BreadcrumbList`.
pub fn collection_page(name: &str, description: &str, url: &str, publisher: &Publisher, crumbs: &[Crumb]) -> String {
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "CollectionPage",
                "@id": url,
                "url": url,
                "name": name,
                "description": description,
                "isPartOf": { "@type": "WebSite", "name": publisher.name, "url": publisher.url },
                "publisher": organization(publisher),
            },
            breadcrumb_list(crumbs),
        ],
    });
    script_safe(&graph)
}

/// JSON that cannot end its `<script>` element early: `<` is written as `\u003c`,
/// so a headline containing `</script>` stays inside the JSON string.
fn script_safe(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default().replace('<', "\\u003c").replace('>', "\\u003e")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn publisher() -> Publisher {
        Publisher {
            name: "The Masthead Times".into(),
            url: "https://x.test/".into(),
            logo_url: "https://x.test/logo.png".into(),
            logo_width: 600,
            logo_height: 60,
        }
    }

    #[test]
    fn a_news_article_has_every_property_search_engines_read() {
        let facts = ArticleFacts {
            url: "https://x.test/world/a".into(),
            headline: "Headline</script><script>alert(1)</script>".into(),
            description: "Standfirst".into(),
            published: datetime!(2024-01-17 09:00 UTC),
            modified: datetime!(2024-01-17 10:00 UTC),
            authors: vec![Person { name: "Elena Marchetti".into(), url: "https://x.test/author/em".into() }],
            section: "World".into(),
            keywords: vec!["Ukraine".into()],
            images: vec![],
            language: "en".into(),
        };
        let text = news_article(&facts, &publisher(), &[("World".into(), "https://x.test/world".into())]);
        assert!(!text.contains("</script>"), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        let article = &value["@graph"][0];
        assert_eq!(article["@type"], "NewsArticle");
        assert_eq!(article["headline"], "Headline</script><script>alert(1)</script>");
        assert_eq!(article["datePublished"], "2024-01-17T09:00:00Z");
        assert_eq!(article["author"][0]["@type"], "Person");
        assert_eq!(article["publisher"]["logo"]["url"], "https://x.test/logo.png");
        assert_eq!(value["@graph"][1]["itemListElement"][0]["position"], 1);
    }
}
