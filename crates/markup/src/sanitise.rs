//! The last line of defence: whatever the Markdown stage produced, only
//! allow-listed elements, attributes and URL schemes leave this module.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;

/// Inline tags a writer may type as raw HTML; every other raw tag is shown as text.
const RAW_INLINE_TAGS: &[&str] = &[
    "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "strong",
    "sub", "sup", "u",
];

/// Whether a raw inline HTML fragment is a single allow-listed tag (opening or closing).
/// Its attributes, if any, are judged later by [`clean`].
pub(crate) fn is_allowed_inline_tag(raw: &str) -> bool {
    let Some(rest) = raw.trim().strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    let well_ended = after.starts_with('>') || after.starts_with(' ') || after.starts_with("/>");
    well_ended && RAW_INLINE_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
    .into_iter()
    .collect();
    let mut builder = Builder::default();
    builder
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .add_tag_attributes("img", ["src", "alt", "width", "height", "loading", "decoding"])
        .add_tag_attributes("abbr", ["title"])
        .add_tag_attributes("th", ["align"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("ol", ["start"])
        .add_allowed_classes("p", ["read-also"])
        .add_allowed_classes("figure", ["body-figure", "pull-quote"])
        .add_allowed_classes("small", ["credit"]);
    builder
});

/// Removes every element, attribute and URL not on the allow-list.
pub(crate) fn clean(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use crate::render;

    fn html(source: &str) -> String {
        render(source, &|_: &masthead_content::Slug| None).html
    }

    /// Hostile bodies, each of which must come out with no live script.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> more",
        "<img src=x onerror=alert(1)>",
        "Inline <img src=x onerror=alert(1)> image",
        "<b onmouseover=alert(1)>bold</b>",
        "<sup onclick=\"alert(1)\">1</sup>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "![x](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<!-- <script>alert(1)</script> -->",
        "<scr<script>ipt>alert(1)</script>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<form action=\"https://evil.example\"><input></form>",
        "<object data=\"x.swf\"></object>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "<base href=\"https://evil.example/\">",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "```figure\nsrc: /a.jpg\nalt: x\" onerror=\"alert(1)\ncaption: <script>alert(1)</script>\n```",
        "```pull-quote\nquote: </p></blockquote><script>alert(1)</script>\n```",
    ];

    #[test]
    fn hostile_bodies_never_produce_live_markup() {
        for source in HOSTILE {
            let out = html(source);
            let live = live_markup(&out);
            assert!(live.is_empty(), "{source:?} produced {live:?} in {out}");
        }
    }

    const SAFE_ELEMENTS: &[&str] = &[
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];
    const SAFE_ATTRIBUTES: &[&str] =
        &["href", "src", "alt", "width", "height", "loading", "decoding", "class", "rel", "title", "align", "start"];

    /// Every element, attribute or URL scheme in `html` that is not known to be harmless.
    /// Escaped text (`&lt;script&gt;`) holds no `<`, so every `<` starts real markup.
    fn live_markup(html: &str) -> Vec<String> {
        let mut live = Vec::new();
        for chunk in html.split('<').skip(1) {
            let (name, attributes) = parse_tag(chunk);
            if !SAFE_ELEMENTS.contains(&name.as_str()) {
                live.push(format!("element {name}"));
            }
            for (attribute, value) in attributes {
                if !SAFE_ATTRIBUTES.contains(&attribute.as_str()) {
                    live.push(format!("attribute {attribute}"));
                }
                // Only URL attributes load or run their value; `title="javascript:"` is just text.
                let value = value.trim().to_ascii_lowercase();
                let is_url = matches!(attribute.as_str(), "href" | "src");
                if is_url && ["javascript:", "vbscript:", "data:"].iter().any(|scheme| value.starts_with(scheme)) {
                    live.push(format!("url {value}"));
                }
            }
        }
        live
    }

    /// The lowercase element name and attributes of the tag at the start of `chunk`.
    fn parse_tag(chunk: &str) -> (String, Vec<(String, String)>) {
        let chunk = chunk.strip_prefix('/').unwrap_or(chunk);
        let name_end = chunk.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(chunk.len());
        let name = chunk[..name_end].to_ascii_lowercase();
        let mut attributes = Vec::new();
        let mut rest = &chunk[name_end..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let key_end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>').unwrap_or(rest.len());
            let key = rest[..key_end].to_ascii_lowercase();
            rest = rest[key_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (quote, body) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => (Some(q), &after[1..]),
                    _ => (None, after),
                };
                let end = match quote {
                    Some(q) => body.find(q).unwrap_or(body.len()),
                    None => body.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(body.len()),
                };
                value = body[..end].to_owned();
                rest = &body[(end + usize::from(quote.is_some())).min(body.len())..];
            }
            attributes.push((key, value));
        }
        (name, attributes)
    }

    /// Pieces hostile bodies are made of; proptest strings them together at random.
    const FRAGMENTS: &[&str] = &[
        "<script>",
        "</script>",
        "alert(1)",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "javascript:",
        "JaVaScRiPt:",
        "data:text/html,",
        "[link](",
        "](",
        ")",
        "![img](",
        "<a href=\"",
        "\">",
        "\"",
        "'",
        "<",
        ">",
        "&lt;",
        "&#x3C;",
        "&#60;",
        "\u{202e}",
        "\u{ff1c}script\u{ff1e}",
        "```figure\n",
        "```read-also\n",
        "```pull-quote\n",
        "```\n",
        "src: ",
        "alt: ",
        "quote: ",
        "\n",
        "\n\n",
        "    ",
        "**",
        "_",
        "<b ",
        "onmouseover=",
        "<sup>",
        "</sup>",
        "<abbr title=\"",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<style>",
        "<iframe ",
        "text ",
        "# ",
        "> ",
        "- ",
        "1. ",
        "|a|b|\n|-|-|\n",
        "\\",
        "`",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn no_body_whatsoever_produces_live_markup(
            pieces in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
        ) {
            let source: String = pieces.concat();
            let out = html(&source);
            let live = live_markup(&out);
            proptest::prop_assert!(live.is_empty(), "{:?} produced {:?} in {}", source, live, out);
        }

        #[test]
        fn any_text_renders_without_panicking(source in "\\PC{0,400}") {
            let _ = html(&source);
        }
    }

    #[test]
    fn a_script_tag_is_shown_as_text() {
        assert_eq!(html("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    }

    #[test]
    fn an_onerror_attribute_never_survives() {
        let out = html("Look <img src=x onerror=alert(1)> here");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
    }

    #[test]
    fn allow_listed_inline_tags_keep_working_without_their_attributes() {
        assert_eq!(html("E = mc<sup onclick=\"x()\">2</sup>"), "<p>E = mc<sup>2</sup></p>\n");
        assert_eq!(
            html("<abbr title=\"World Economic Forum\">WEF</abbr>"),
            "<p><abbr title=\"World Economic Forum\">WEF</abbr></p>\n"
        );
    }

    #[test]
    fn script_links_lose_their_target() {
        let out = html("[click](javascript:alert(1))");
        assert!(!out.contains("javascript"), "{out}");
        assert!(out.contains(">click</a>"), "{out}");
    }

    #[test]
    fn ordinary_links_keep_their_target() {
        assert_eq!(
            html("[WEF](https://www.weforum.org/)"),
            "<p><a href=\"https://www.weforum.org/\" rel=\"noopener noreferrer\">WEF</a></p>\n"
        );
    }
}
