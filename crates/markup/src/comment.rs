//! Reader comments as HTML: every character escaped, paragraphs at blank
//! lines, line breaks kept, and web addresses turned into links that carry
//! no endorsement (`rel="nofollow ugc noopener"`). Nothing a reader types
//! becomes markup; only `http` and `https` addresses become links.

use crate::push_escaped_html;

/// A comment body as safe HTML.
pub fn comment_html(body: &str) -> String {
    let normalised = body.replace("\r\n", "\n").replace('\r', "\n");
    let mut html = String::with_capacity(normalised.len() + 32);
    for paragraph in normalised.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            push_linked_line(&mut html, line.trim_end());
        }
        html.push_str("</p>");
    }
    html
}

/// How many web addresses a comment body contains (for the link limit).
pub fn count_links(body: &str) -> usize {
    let mut count = 0;
    let mut rest = body;
    while let Some((_, url, after)) = next_url(rest) {
        if !url.is_empty() {
            count += 1;
        }
        rest = after;
    }
    count
}

fn push_linked_line(html: &mut String, line: &str) {
    let mut rest = line;
    while let Some((before, url, after)) = next_url(rest) {
        push_escaped_html(html, before);
        html.push_str("<a href=\"");
        push_escaped_html(html, url);
        html.push_str("\" rel=\"nofollow ugc noopener\">");
        push_escaped_html(html, url);
        html.push_str("</a>");
        rest = after;
    }
    push_escaped_html(html, rest);
}

/// The next `http(s)://` address that starts a word: text before it, the
/// address (without trailing punctuation), and the text after it.
fn next_url(text: &str) -> Option<(&str, &str, &str)> {
    let mut search_from = 0;
    loop {
        let found = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| find_ignoring_case(&text[search_from..], scheme).map(|i| i + search_from))
            .min()?;
        let starts_word = text[..found].chars().next_back().is_none_or(|c| c.is_whitespace() || "([<\"'".contains(c));
        let end = text[found..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || !is_url_char(*c))
            .map_or(text.len(), |(i, _)| found + i);
        let mut url = &text[found..end];
        while let Some(last) = url.chars().last().filter(|c| ".,;:!?)]}'\"".contains(*c)) {
            url = &url[..url.len() - last.len_utf8()];
        }
        let has_host = url.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if starts_word && has_host {
            return Some((&text[..found], url, &text[found + url.len()..]));
        }
        search_from = found + 1;
        if search_from >= text.len() {
            return None;
        }
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| haystack.get(i..i + needle.len()).is_some_and(|s| s.eq_ignore_ascii_case(needle)))
}

/// Characters kept in a linked address: the RFC 3986 set, ASCII only, so a
/// look-alike character ends the link instead of disguising it.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_paragraphs_kept() {
        assert_eq!(
            comment_html("<b>Hi</b> & \"you\"\nsecond line\n\n\n  Next paragraph  "),
            "<p>&lt;b&gt;Hi&lt;/b&gt; &amp; &quot;you&quot;<br>second line</p><p>Next paragraph</p>"
        );
        assert_eq!(comment_html("  \n\n "), "");
    }

    #[test]
    fn web_addresses_become_links_without_endorsement() {
        assert_eq!(
            comment_html("See https://example.org/a?b=1&c=2."),
            "<p>See <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">\
             https://example.org/a?b=1&amp;c=2</a>.</p>"
        );
        assert_eq!(count_links("a http://x.org b https://y.org/c"), 2);
    }

    #[test]
    fn nothing_but_http_addresses_is_linked() {
        for text in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "xhttps://evil.org",
            "https:///path-only",
            "vbscript:msgbox",
            "https://",
        ] {
            let html = comment_html(text);
            assert!(!html.contains("<a "), "{text} → {html}");
        }
        // An address ends where a quote or an angle bracket would break out of the attribute.
        let html = comment_html("https://a.org/\"onmouseover=\"alert(1)");
        assert!(html.contains("href=\"https://a.org/\""), "{html}");
        assert!(!html.contains("onmouseover=\"alert"), "{html}");
    }
}
