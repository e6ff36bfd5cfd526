//! Hostile text: a corpus of payloads that try to become markup, and the
//! check that finds anything live in a page (an element, attribute or URL
//! scheme that could run or load).

use scraper::Html;

use crate::support::css;

/// The payloads, with `\n` turned into line breaks.
pub fn hostile_payloads() -> Vec<String> {
    include_str!("fixtures/hostile-comments.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.replace("\\n", "\n").replace("\\u202E", "\u{202E}"))
        .collect()
}

/// Everything in `html` that could run or load: panics naming the first live thing found.
pub fn assert_nothing_live(html: &str, context: &str) {
    let page = Html::parse_document(html);
    for element in page.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        let name = element.value().name();
        assert!(
            !["iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet", "style", "form"]
                .contains(&name)
                || (name == "form"
                    && element.value().attr("class").is_some_and(|c| c.contains("comment-form") || c == "site-search")),
            "{context}: a live <{name}> element"
        );
        if name == "script" {
            let data = element.value().attr("type") == Some("application/ld+json");
            let ours = element.value().attr("src").is_some_and(|s| s.starts_with("/assets/comments."));
            assert!(data || ours, "{context}: a live <script>");
        }
        if name == "meta" {
            assert!(element.value().attr("http-equiv").is_none(), "{context}: a meta refresh");
        }
        for (attribute, value) in element.value().attrs() {
            assert!(!attribute.to_ascii_lowercase().starts_with("on"), "{context}: a live {attribute} attribute");
            assert!(
                attribute != "style" && attribute != "srcdoc" && attribute != "formaction",
                "{context}: {attribute}"
            );
            if ["href", "src", "action", "srcset", "background", "poster", "data"].contains(&attribute) {
                let scheme = value.trim().to_ascii_lowercase();
                assert!(
                    !scheme.starts_with("javascript:")
                        && !scheme.starts_with("vbscript:")
                        && !scheme.starts_with("data:"),
                    "{context}: {attribute}={value}"
                );
                assert!(!value.starts_with("//"), "{context}: protocol-relative {attribute}={value}");
            }
        }
    }
    // Inside the comments, only the elements comments are made of.
    for element in page.select(&css(".comment-list *")) {
        let name = element.value().name();
        assert!(
            ["li", "article", "header", "h3", "time", "p", "br", "a", "ol", "span"].contains(&name),
            "{context}: <{name}>"
        );
        if name == "a" {
            let href = element.value().attr("href").unwrap_or_default();
            let reply_link = href.starts_with("?reply=");
            assert!(
                reply_link || href.starts_with("https://") || href.starts_with("http://"),
                "{context}: href={href}"
            );
            if !reply_link {
                assert_eq!(element.value().attr("rel"), Some("nofollow ugc noopener"), "{context}");
            }
        }
    }
}
