//! Parsing the embedded demo files into content-model values.

use masthead_content::{Author, Headline, NewMedia, Section, Slug, Tag};
use serde::Deserialize;

use crate::{DemoError, files, invalid, new_media};

const SITE_TOML: &str = include_str!("../content/site.toml");
const COMMENTS_TOML: &str = include_str!("../content/comments.toml");

/// The whole demo publication, parsed and checked.
#[derive(Debug, Clone)]
pub struct DemoSite {
    /// Sections in navigation order.
    pub sections: Vec<Section>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Authors.
    pub authors: Vec<Author>,
    /// Articles, oldest first, so storage order matches publication order.
    pub articles: Vec<DemoArticle>,
    /// Reader comments, parents before replies.
    pub comments: Vec<DemoComment>,
    /// Media files: name and bytes.
    pub media_files: Vec<(String, &'static [u8])>,
}

/// One demo article.
#[derive(Debug, Clone)]
pub struct DemoArticle {
    /// URL name.
    pub slug: Slug,
    /// Headline.
    pub headline: Headline,
    /// Summary.
    pub standfirst: String,
    /// Section slug.
    pub section: Slug,
    /// Author slugs.
    pub authors: Vec<Slug>,
    /// Tag slugs.
    pub tags: Vec<Slug>,
    /// Hours before loading that it was published.
    pub published_hours_ago: f64,
    /// Hours before loading that it was last updated.
    pub updated_hours_ago: Option<f64>,
    /// The lead picture to store.
    pub lead_image: Option<NewMedia>,
    /// Correction notes and their age in hours.
    pub corrections: Vec<(String, f64)>,
    /// Markdown source.
    pub body: String,
}

/// One demo comment.
#[derive(Debug, Clone)]
pub struct DemoComment {
    /// Key other comments use to reply to this one.
    pub key: String,
    /// Article slug.
    pub article: Slug,
    /// Display name.
    pub name: String,
    /// Plain text.
    pub body: String,
    /// Hours before loading that it was posted.
    pub hours_ago: f64,
    /// Key of the comment it replies to.
    pub reply_to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    sections: Vec<NamedFile>,
    authors: Vec<AuthorFile>,
    tags: Vec<NamedFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedFile {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFile {
    slug: String,
    name: String,
    bio: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    headline: String,
    standfirst: String,
    section: String,
    authors: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    published_hours_ago: f64,
    updated_hours_ago: Option<f64>,
    lead_image: Option<ImageFile>,
    #[serde(default)]
    corrections: Vec<CorrectionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageFile {
    file: String,
    width: u32,
    height: u32,
    alt: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionFile {
    note: String,
    hours_ago: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentsFile {
    comments: Vec<CommentFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentFile {
    key: String,
    article: String,
    name: String,
    body: String,
    hours_ago: f64,
    reply_to: Option<String>,
}

impl DemoSite {
    /// Reads and checks the embedded demo files.
    pub fn parse() -> Result<Self, DemoError> {
        let site: SiteFile = toml::from_str(SITE_TOML).map_err(|e| invalid("site.toml", e.to_string()))?;
        let slug = |file: &str, value: &str| Slug::parse(value).map_err(|e| invalid(file, e.to_string()));
        let sections = site
            .sections
            .into_iter()
            .map(|s| Ok(Section { slug: slug("site.toml", &s.slug)?, name: s.name, description: s.description }))
            .collect::<Result<Vec<_>, DemoError>>()?;
        let tags = site
            .tags
            .into_iter()
            .map(|t| Ok(Tag { slug: slug("site.toml", &t.slug)?, name: t.name }))
            .collect::<Result<Vec<_>, DemoError>>()?;
        let authors = site
            .authors
            .into_iter()
            .map(|a| Ok(Author { slug: slug("site.toml", &a.slug)?, name: a.name, bio: a.bio }))
            .collect::<Result<Vec<_>, DemoError>>()?;

        let mut articles = Vec::new();
        let mut media_files = Vec::new();
        for (path, bytes) in files::FILES {
            if let Some(name) = path.strip_prefix("media/") {
                media_files.push((name.to_owned(), *bytes));
            } else if path.ends_with(".md") {
                articles.push(parse_article(path, bytes)?);
            }
        }
        articles.sort_by(|a, b| b.published_hours_ago.total_cmp(&a.published_hours_ago));

        let comments: CommentsFile =
            toml::from_str(COMMENTS_TOML).map_err(|e| invalid("comments.toml", e.to_string()))?;
        let comments = comments
            .comments
            .into_iter()
            .map(|c| {
                Ok(DemoComment {
                    key: c.key,
                    article: slug("comments.toml", &c.article)?,
                    name: c.name,
                    body: c.body,
                    hours_ago: c.hours_ago,
                    reply_to: c.reply_to,
                })
            })
            .collect::<Result<Vec<_>, DemoError>>()?;
        Ok(Self { sections, tags, authors, articles, comments, media_files })
    }
}

fn parse_article(path: &str, bytes: &[u8]) -> Result<DemoArticle, DemoError> {
    let text = std::str::from_utf8(bytes).map_err(|_| invalid(path, "not UTF-8"))?;
    let rest = text.strip_prefix("+++\n").ok_or_else(|| invalid(path, "must start with a +++ line"))?;
    let (front, body) =
        rest.split_once("\n+++\n").ok_or_else(|| invalid(path, "front matter has no closing +++ line"))?;
    let front: FrontMatter = toml::from_str(front).map_err(|e| invalid(path, e.to_string()))?;
    let slug = |value: &str| Slug::parse(value).map_err(|e| invalid(path, e.to_string()));
    let lead_image = front
        .lead_image
        .map(|image| new_media(image.file, image.width, image.height, image.caption, image.credit, image.alt));
    Ok(DemoArticle {
        slug: slug(&front.slug)?,
        headline: Headline::parse(&front.headline).map_err(|e| invalid(path, e.to_string()))?,
        standfirst: front.standfirst,
        section: slug(&front.section)?,
        authors: front.authors.iter().map(|a| slug(a)).collect::<Result<_, _>>()?,
        tags: front.tags.iter().map(|t| slug(t)).collect::<Result<_, _>>()?,
        published_hours_ago: front.published_hours_ago,
        updated_hours_ago: front.updated_hours_ago,
        lead_image,
        corrections: front.corrections.into_iter().map(|c| (c.note, c.hours_ago)).collect(),
        body: body.trim_start_matches('\n').to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use masthead_markup::ArticleLink;

    use super::*;

    #[test]
    fn the_demo_content_parses() {
        let site = DemoSite::parse().unwrap();
        assert_eq!(site.sections.len(), 3);
        assert!(site.articles.len() >= 10, "{} articles", site.articles.len());
        assert!(site.comments.len() >= 3);
    }

    #[test]
    fn every_demo_body_renders_without_problems() {
        let site = DemoSite::parse().unwrap();
        let slugs: Vec<Slug> = site.articles.iter().map(|a| a.slug.clone()).collect();
        let resolve =
            |slug: &Slug| slugs.contains(slug).then(|| ArticleLink { headline: "x".into(), url: "/x".into() });
        for article in &site.articles {
            let problems = masthead_markup::check(&article.body, &resolve);
            assert!(problems.is_empty(), "{}: {problems:?}", article.slug);
        }
    }

    #[test]
    fn every_demo_reference_points_at_something_that_exists() {
        let site = DemoSite::parse().unwrap();
        let media: Vec<&str> = site.media_files.iter().map(|(name, _)| name.as_str()).collect();
        for article in &site.articles {
            assert!(site.sections.iter().any(|s| s.slug == article.section), "{}", article.slug);
            for author in &article.authors {
                assert!(site.authors.iter().any(|a| &a.slug == author), "{author}");
            }
            for tag in &article.tags {
                assert!(site.tags.iter().any(|t| &t.slug == tag), "{tag}");
            }
            if let Some(image) = &article.lead_image {
                assert!(media.contains(&image.file_name.as_str()), "{}", image.file_name);
                assert!(!image.alt_text.is_empty());
            }
        }
    }

    #[test]
    fn the_seed_article_comes_first_in_the_front_page_order() {
        let site = DemoSite::parse().unwrap();
        let newest = site.articles.last().unwrap();
        assert_eq!(newest.slug.as_str(), "us-doubtful-on-ukraine-ceasefire");
    }
}
