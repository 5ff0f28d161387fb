//! Word wrapping for the terminal: greedy, by characters, with a first-line prefix and a hanging indent.

/// Wrap `text` to `width` columns. The first line starts with `first`, the others with `rest` (both count
/// towards the width). Words longer than a line are cut. Always returns at least one line.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        // Control characters (escape sequences from article text) never reach the terminal.
        let mut word: String = word.chars().filter(|c| !c.is_control()).collect();
        if word.is_empty() {
            continue;
        }
        loop {
            let wlen = word.chars().count();
            let need = if empty { wlen } else { wlen + 1 };
            if len + need <= width {
                if !empty {
                    line.push(' ');
                }
                line.push_str(&word);
                len += need;
                empty = false;
                break;
            }
            if !empty {
                lines.push(std::mem::take(&mut line));
                line = rest.to_string();
                len = rest.chars().count();
                empty = true;
                continue;
            }
            // A word longer than the whole line: cut it.
            let room = width.saturating_sub(len).max(1);
            let head: String = word.chars().take(room).collect();
            let tail: String = word.chars().skip(room).collect();
            line.push_str(&head);
            lines.push(std::mem::take(&mut line));
            line = rest.to_string();
            len = rest.chars().count();
            empty = true;
            if tail.is_empty() {
                break;
            }
            word = tail;
        }
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pad `s` with spaces to `width` characters.
pub fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width { s.to_string() } else { format!("{s}{}", " ".repeat(width - n)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_hanging_indent_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc dd", 8, "- ", "  "), ["- aa bb", "  cc dd"]);
        assert_eq!(wrap("abcdefghij", 6, "", ""), ["abcdef", "ghij"]);
        assert_eq!(wrap("", 10, "* ", ""), ["* "]);
        assert_eq!(wrap("a\u{1b}[31mb", 10, "", ""), ["a[31mb"]);
        for l in wrap("one two three four five six seven", 12, "", "    ") {
            assert!(l.chars().count() <= 12, "{l}");
        }
    }
}
