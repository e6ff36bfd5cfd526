use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::blocks::{Block, BlockKind};
use crate::{LinkResolver, Problem, sanitise};

/// A body rendered for readers, with what its writer should fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to place in a page as is.
    pub html: String,
    /// Problems found, in source order. Empty when the body is fine.
    pub problems: Vec<Problem>,
}

/// Renders a Markdown body with news blocks to sanitised HTML.
pub fn render(source: &str, links: &dyn LinkResolver) -> Rendered {
    let lines = LineIndex::new(source);
    let mut problems = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut open_block: Option<(BlockKind, usize)> = None;
    let mut block_text = String::new();

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        if let Some((kind, line)) = open_block {
            match event {
                Event::Text(text) => block_text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let mut html = String::new();
                    Block { kind, content: &block_text, line }.render(&mut html, links, &mut problems);
                    events.push(Event::Html(CowStr::from(html)));
                    open_block = None;
                    block_text.clear();
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info))) => {
                if let Some(kind) = BlockKind::from_info(info) {
                    open_block = Some((kind, lines.line_of(range.start)));
                } else {
                    events.push(event);
                }
            }
            // A body's own headings start at h2: the page's one h1 is the headline.
            Event::Start(Tag::Heading { level: HeadingLevel::H1, id, classes, attrs }) => {
                events.push(Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => events.push(Event::End(TagEnd::Heading(HeadingLevel::H2))),
            // Raw HTML blocks are shown as the text the writer typed, never run.
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Html(raw) => events.push(Event::Text(raw)),
            Event::InlineHtml(raw) => {
                if sanitise::is_allowed_inline_tag(&raw) {
                    events.push(Event::InlineHtml(raw));
                } else {
                    events.push(Event::Text(raw));
                }
            }
            other => events.push(other),
        }
    }

    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html: sanitise::clean(&html), problems }
}

/// The problems in a body, without keeping the HTML: what an editor shows before saving.
pub fn check(source: &str, links: &dyn LinkResolver) -> Vec<Problem> {
    render(source, links).problems
}

/// The slugs named by the body's "read also" blocks, in order, without repeats:
/// what a caller looks up before calling [`render`].
pub fn referenced_articles(source: &str) -> Vec<masthead_content::Slug> {
    let mut slugs = Vec::new();
    let mut open_block: Option<BlockKind> = None;
    let mut text = String::new();
    for event in Parser::new_ext(source, options()) {
        match (open_block, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))) => {
                open_block = BlockKind::from_info(&info);
            }
            (Some(_), Event::Text(t)) => text.push_str(&t),
            (Some(kind), Event::End(TagEnd::CodeBlock)) => {
                if kind == BlockKind::ReadAlso {
                    let block = Block { kind, content: &text, line: 0 };
                    if let Ok(slug) = block.read_also_target()
                        && !slugs.contains(&slug)
                    {
                        slugs.push(slug);
                    }
                }
                open_block = None;
                text.clear();
            }
            _ => {}
        }
    }
    slugs
}

fn options() -> Options {
    // Smart punctuation stays off: the writer's own quotation marks are kept exactly.
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Byte offset → 1-based line number.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(source: &str) -> Self {
        Self(source.match_indices('\n').map(|(i, _)| i).collect())
    }

    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use masthead_content::Slug;

    use super::*;
    use crate::ArticleLink;

    fn links(slug: &Slug) -> Option<ArticleLink> {
        (slug.as_str() == "putin-alleges-us-election-rigging").then(|| ArticleLink {
            headline: "Putin Alleges US Election Rigging Amidst Russian Presidential Race".into(),
            url: "/world/putin-alleges-us-election-rigging".into(),
        })
    }

    fn html(source: &str) -> String {
        render(source, &links).html
    }

    #[test]
    fn commonmark_paragraphs_and_subheadings_render() {
        let out = html("First *para*.\n\n## Doubts Persist Despite Openness\n\nSecond.");
        assert_eq!(out, "<p>First <em>para</em>.</p>\n<h2>Doubts Persist Despite Openness</h2>\n<p>Second.</p>\n");
    }

    #[test]
    fn a_level_one_heading_in_the_body_becomes_h2() {
        assert_eq!(html("# Big"), "<h2>Big</h2>\n");
    }

    #[test]
    fn curly_quotes_are_kept_as_typed() {
        assert_eq!(html("stating, “I don’t see it.”"), "<p>stating, “I don’t see it.”</p>\n");
    }

    #[test]
    fn read_also_links_the_current_headline_of_the_named_article() {
        let out = render("Before.\n\n```read-also\nputin-alleges-us-election-rigging\n```\n\nAfter.", &links);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            out.html,
            "<p>Before.</p>\n<p class=\"read-also\"><strong>READ ALSO:</strong> \
             <a href=\"/world/putin-alleges-us-election-rigging\" rel=\"noopener noreferrer\">\
             Putin Alleges US Election Rigging Amidst Russian Presidential Race</a></p>\n<p>After.</p>\n"
        );
    }

    #[test]
    fn a_missing_read_also_target_is_reported_and_not_linked() {
        let out = render("One.\n\n```read-also\nno-such-story\n```\n", &links);
        assert_eq!(out.html, "<p>One.</p>\n");
        assert_eq!(out.problems, vec![Problem::MissingReadAlsoTarget { line: 3, slug: "no-such-story".into() }]);
        assert!(out.problems[0].to_string().contains("not a published article"));
    }

    #[test]
    fn a_read_also_block_without_a_slug_is_reported() {
        let out = render("```read-also\nNot A Slug!\n```", &links);
        assert_eq!(out.html, "");
        assert!(matches!(out.problems[..], [Problem::InvalidReadAlsoSlug { line: 1, .. }]));
    }

    #[test]
    fn referenced_articles_lists_each_read_also_slug_once() {
        let source =
            "```read-also\na-one\n```\n\n```read-also\nb-two\n```\n\n```read-also\na-one\n```\n\n```rust\nnot-me\n```";
        let slugs: Vec<String> = referenced_articles(source).iter().map(ToString::to_string).collect();
        assert_eq!(slugs, ["a-one", "b-two"]);
    }

    #[test]
    fn a_figure_renders_with_caption_credit_and_alt_text() {
        let out = render(
            "```figure\nsrc: /media/davos.jpg\nalt: Snow on roofs\ncaption: Davos in January.\ncredit: Photo: Jane Doe\nwidth: 1200\nheight: 800\n```",
            &links,
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            out.html,
            "<figure class=\"body-figure\"><img src=\"/media/davos.jpg\" alt=\"Snow on roofs\" width=\"1200\" height=\"800\" \
             loading=\"lazy\" decoding=\"async\"><figcaption>Davos in January. <small class=\"credit\">Photo: Jane Doe</small>\
             </figcaption></figure>\n"
        );
    }

    #[test]
    fn a_figure_without_alt_text_caption_or_credit_is_reported() {
        let out = render("```figure\nsrc: /media/a.jpg\n```", &links);
        assert!(out.html.contains("alt=\"\""));
        let missing = |field| Problem::MissingField { line: 1, block: "figure", field };
        assert_eq!(out.problems, vec![missing("alt"), missing("caption"), missing("credit")]);
    }

    #[test]
    fn a_figure_with_a_script_url_is_refused() {
        let out = render("```figure\nsrc: javascript:alert(1)\nalt: x\n```", &links);
        assert_eq!(out.html, "");
        assert!(matches!(out.problems[..], [Problem::InvalidImageSource { .. }]));
    }

    #[test]
    fn figure_fields_are_escaped() {
        let out = html(
            "```figure\nsrc: /media/a.jpg\nalt: \"><script>alert(1)</script>\ncaption: <b onmouseover=x>hi</b>\n```",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b "), "{out}");
        assert!(out.contains("&lt;b onmouseover=x&gt;hi&lt;/b&gt;"), "{out}");
    }

    #[test]
    fn unknown_lines_in_a_block_are_reported_with_their_line() {
        let out = render("Intro.\n\n```pull-quote\nquote: Hello\nspeaker: Someone\n```", &links);
        assert!(
            matches!(&out.problems[..], [Problem::UnknownField { line: 5, block: "pull-quote", .. }]),
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn a_pull_quote_renders_as_a_figure_with_blockquote() {
        assert_eq!(
            html("```pull-quote\nquote: I don’t see it.\nby: Antony Blinken\n```"),
            "<figure class=\"pull-quote\"><blockquote><p>I don’t see it.</p></blockquote>\
             <figcaption>Antony Blinken</figcaption></figure>\n"
        );
    }

    #[test]
    fn a_pull_quote_without_a_quote_is_reported() {
        let out = render("```pull-quote\nby: Nobody\n```", &links);
        assert_eq!(out.html, "");
        assert_eq!(out.problems, vec![Problem::MissingField { line: 1, block: "pull-quote", field: "quote" }]);
    }

    #[test]
    fn ordinary_code_blocks_stay_code() {
        assert_eq!(html("```text\n<b>x</b>\n```"), "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n");
    }

    #[test]
    fn check_lists_the_problems_only() {
        assert!(check("Fine.", &links).is_empty());
        assert_eq!(check("```read-also\nmissing\n```", &links).len(), 1);
    }
}

/// The readable text of a body, block by block: paragraphs, list items and
/// headings (`true`), without news blocks, code or markup. For search and
/// analysis, which read words, not HTML.
pub fn plain_blocks(source: &str) -> Vec<(bool, String)> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut heading = false;
    let mut in_code = false;
    let flush = |current: &mut String, heading: bool, blocks: &mut Vec<(bool, String)>| {
        let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        current.clear();
        if !text.is_empty() {
            blocks.push((heading, text));
        }
    };
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut current, false, &mut blocks);
                heading = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut current, true, &mut blocks);
                heading = false;
            }
            Event::Start(Tag::Paragraph | Tag::Item) | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                flush(&mut current, heading, &mut blocks);
            }
            Event::Text(text) | Event::Code(text) if !in_code => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            _ => {}
        }
    }
    flush(&mut current, heading, &mut blocks);
    blocks
}

#[cfg(test)]
mod plain_tests {
    use super::plain_blocks;

    #[test]
    fn plain_blocks_keep_prose_and_headings_and_drop_news_blocks() {
        let source = "First *para*\nline.\n\n## Sub\n\n```read-also\nsome-slug\n```\n\n- item one\n- item two\n";
        assert_eq!(
            plain_blocks(source),
            vec![
                (false, "First para line.".to_owned()),
                (true, "Sub".to_owned()),
                (false, "item one".to_owned()),
                (false, "item two".to_owned()),
            ]
        );
    }
}

/// The body with "read also" blocks for `slugs` placed between paragraphs:
/// after every `every` top-level paragraphs, one link each, never after the
/// last paragraph. For related stories chosen outside the body.
pub fn with_read_also(source: &str, slugs: &[masthead_content::Slug], every: usize) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    if slugs.is_empty() || every == 0 {
        return source.to_owned();
    }
    let mut depth = 0usize;
    let mut paragraph_ends = Vec::new();
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) => depth += 1,
            Event::End(TagEnd::Paragraph) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    paragraph_ends.push(range.end);
                }
            }
            Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => {
                depth += 1;
            }
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    let last = paragraph_ends.len();
    let places: Vec<usize> = paragraph_ends
        .iter()
        .enumerate()
        .filter(|(i, _)| (i + 1) % every == 0 && i + 1 < last)
        .map(|(_, end)| *end)
        .take(slugs.len())
        .collect();
    let mut out = String::with_capacity(source.len() + places.len() * 40);
    let mut at = 0;
    for (end, slug) in places.iter().zip(slugs) {
        out.push_str(&source[at..*end]);
        out.push_str(&format!("\n\n```read-also\n{slug}\n```\n"));
        at = *end;
    }
    out.push_str(&source[at..]);
    out
}

#[cfg(test)]
mod read_also_tests {
    use super::*;
    use masthead_content::Slug;

    #[test]
    fn related_links_go_between_paragraphs_never_last() {
        let source = "One.\n\nTwo.\n\n- a list\n- of items\n\nThree.\n\nFour.\n";
        let slugs = [
            Slug::parse("first").unwrap_or_else(|_| unreachable!()),
            Slug::parse("second").unwrap_or_else(|_| unreachable!()),
        ];
        let out = with_read_also(source, &slugs, 2);
        let first = out.find("first").unwrap_or(0);
        assert!(out[..first].contains("Two.") && !out[..first].contains("Three."), "{out}");
        // Only two more paragraphs follow, and the last takes no link.
        assert!(!out.contains("second"), "{out}");
        assert_eq!(with_read_also(source, &slugs, 1).matches("read-also").count(), 2);
    }
}
