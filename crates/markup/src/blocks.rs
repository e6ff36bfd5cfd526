//! The news blocks: figure, read-also and pull quote.

use masthead_content::Slug;

use crate::escape::push_escaped_html;
use crate::{LinkResolver, Problem};

/// A news block kind, named by a fenced block's info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Figure,
    ReadAlso,
    PullQuote,
}

impl BlockKind {
    /// The block named by the first word of a fence's info string, if any.
    /// Other info strings (`rust`, `text`) stay ordinary code blocks.
    pub(crate) fn from_info(info: &str) -> Option<Self> {
        match info.split_whitespace().next()?.to_ascii_lowercase().as_str() {
            "figure" => Some(Self::Figure),
            "read-also" | "readalso" => Some(Self::ReadAlso),
            "pull-quote" | "pullquote" => Some(Self::PullQuote),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Figure => "figure",
            Self::ReadAlso => "read-also",
            Self::PullQuote => "pull-quote",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Self::Figure => &["src", "alt", "caption", "credit", "width", "height"],
            Self::ReadAlso => &[],
            Self::PullQuote => &["quote", "by"],
        }
    }
}

/// A news block as found in the source: its kind, text and first line.
pub(crate) struct Block<'a> {
    pub kind: BlockKind,
    pub content: &'a str,
    /// 1-based line of the opening fence.
    pub line: usize,
}

impl Block<'_> {
    /// The slug a read-also block names, or the problem with it.
    pub(crate) fn read_also_target(&self) -> Result<Slug, Problem> {
        let value = self.content.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        // Accept `slug: x` as well as a bare slug, for symmetry with the other blocks.
        let value = value.strip_prefix("slug:").map(str::trim).unwrap_or(value);
        Slug::parse(value)
            .map_err(|_| Problem::InvalidReadAlsoSlug { line: self.line, value: value.chars().take(80).collect() })
    }

    /// Appends the block's HTML to `out`, or nothing when it cannot be shown,
    /// and records what the writer should fix.
    pub(crate) fn render(&self, out: &mut String, links: &dyn LinkResolver, problems: &mut Vec<Problem>) {
        match self.kind {
            BlockKind::ReadAlso => self.render_read_also(out, links, problems),
            BlockKind::Figure => self.render_figure(out, problems),
            BlockKind::PullQuote => self.render_pull_quote(out, problems),
        }
    }

    fn render_read_also(&self, out: &mut String, links: &dyn LinkResolver, problems: &mut Vec<Problem>) {
        let slug = match self.read_also_target() {
            Ok(slug) => slug,
            Err(problem) => return problems.push(problem),
        };
        let Some(link) = links.resolve(&slug) else {
            return problems.push(Problem::MissingReadAlsoTarget { line: self.line, slug: slug.to_string() });
        };
        out.push_str("<p class=\"read-also\"><strong>READ ALSO:</strong> <a href=\"");
        push_escaped_html(out, &link.url);
        out.push_str("\">");
        push_escaped_html(out, &link.headline);
        out.push_str("</a></p>\n");
    }

    fn render_figure(&self, out: &mut String, problems: &mut Vec<Problem>) {
        let fields = self.fields(problems);
        let Some(src) = fields.get("src") else {
            return problems.push(self.missing("src"));
        };
        if !is_image_source(src) {
            return problems
                .push(Problem::InvalidImageSource { line: self.line, value: src.chars().take(80).collect() });
        }
        let alt = fields.get("alt").unwrap_or_else(|| {
            problems.push(self.missing("alt"));
            ""
        });
        out.push_str("<figure class=\"body-figure\"><img src=\"");
        push_escaped_html(out, src);
        out.push_str("\" alt=\"");
        push_escaped_html(out, alt);
        out.push('"');
        for dimension in ["width", "height"] {
            if let Some(pixels) = fields.get(dimension).and_then(|v| v.parse::<u32>().ok()) {
                out.push_str(&format!(" {dimension}=\"{pixels}\""));
            }
        }
        out.push_str(" loading=\"lazy\" decoding=\"async\">");
        // Readers are owed what a picture shows and whose it is; the newsroom refuses to publish without them.
        for field in ["caption", "credit"] {
            if fields.get(field).is_none_or(|v| v.trim().is_empty()) {
                problems.push(self.missing(field));
            }
        }
        push_caption(out, fields.get("caption").unwrap_or(""), fields.get("credit").unwrap_or(""));
        out.push_str("</figure>\n");
    }

    fn render_pull_quote(&self, out: &mut String, problems: &mut Vec<Problem>) {
        let fields = self.fields(problems);
        let Some(quote) = fields.get("quote") else {
            return problems.push(self.missing("quote"));
        };
        out.push_str("<figure class=\"pull-quote\"><blockquote><p>");
        push_escaped_html(out, quote);
        out.push_str("</p></blockquote>");
        if let Some(by) = fields.get("by") {
            out.push_str("<figcaption>");
            push_escaped_html(out, by);
            out.push_str("</figcaption>");
        }
        out.push_str("</figure>\n");
    }

    /// Reads `key: value` lines, reporting lines with unknown keys.
    fn fields(&self, problems: &mut Vec<Problem>) -> Fields<'_> {
        let mut fields = Fields(Vec::new());
        for (offset, raw) in self.content.lines().enumerate() {
            let text = raw.trim();
            if text.is_empty() {
                continue;
            }
            let known = text.split_once(':').and_then(|(key, value)| {
                let key = key.trim().to_ascii_lowercase();
                let name = self.kind.fields().iter().find(|f| **f == key)?;
                Some((*name, value.trim()))
            });
            match known {
                Some((name, value)) if !value.is_empty() => fields.0.push((name, value)),
                Some(_) => {}
                None => problems.push(Problem::UnknownField {
                    // The fence is on `self.line`; content starts on the next line.
                    line: self.line + 1 + offset,
                    block: self.kind.name(),
                    text: text.chars().take(80).collect(),
                }),
            }
        }
        fields
    }

    fn missing(&self, field: &'static str) -> Problem {
        Problem::MissingField { line: self.line, block: self.kind.name(), field }
    }
}

struct Fields<'a>(Vec<(&'static str, &'a str)>);

impl<'a> Fields<'a> {
    /// The last value given for `key`: a writer who repeats a line means the newer one.
    fn get(&self, key: &str) -> Option<&'a str> {
        self.0.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// Appends a figcaption with the caption and the credit, when there is either.
/// The credit is marked up once, on its own, so it is never printed twice.
pub(crate) fn push_caption(out: &mut String, caption: &str, credit: &str) {
    if caption.is_empty() && credit.is_empty() {
        return;
    }
    out.push_str("<figcaption>");
    push_escaped_html(out, caption);
    if !credit.is_empty() {
        if !caption.is_empty() {
            out.push(' ');
        }
        out.push_str("<small class=\"credit\">");
        push_escaped_html(out, credit);
        out.push_str("</small>");
    }
    out.push_str("</figcaption>");
}

/// A site path (`/media/x.jpg`, not `//host/x`) or an http(s) URL without spaces.
fn is_image_source(src: &str) -> bool {
    let allowed_start =
        (src.starts_with('/') && !src.starts_with("//")) || src.starts_with("https://") || src.starts_with("http://");
    allowed_start && !src.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
}
