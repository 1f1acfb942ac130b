//! Query: the search syntax, read by tidings itself rather than by tantivy's query
//! grammar, so that a query from anyone on the network costs bounded work (tantivy's
//! parser recurses once per parenthesis and overflowed a server thread's stack at a few
//! thousand) and its errors speak of words and phrases, not of fields and ranges. The
//! `search` crate turns a parsed [`Expr`] into an index query.
//!
//! The syntax: words (all must match), `"a phrase"`, `-word` or `NOT word` to exclude,
//! `prefix*` (also `"a phrase pre"*`), `a OR b`, and `( … )` to group. Anything else is
//! text: `title:x` is the two words *title x*, not a field. An unclosed quote or
//! parenthesis ends with the query and a stray `)` is ignored, since a search box should
//! find what it can; limits on length, words and nesting are errors that say the limit.

use unicode_segmentation::UnicodeSegmentation;

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Longest word, in characters; longer strings are not words of any language, and each
/// word is decompounded, which costs more the longer it is.
pub const MAX_WORD_CHARS: usize = 100;
/// Words and phrases in one query.
pub const MAX_TERMS: usize = 64;
/// Parentheses inside parentheses.
pub const MAX_DEPTH: usize = 8;
/// Shortest prefix before `*`: a one-letter prefix would match much of the vocabulary.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Why a query cannot be run, in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("it is empty")]
    Empty,
    #[error("it has no words to search for")]
    NoWords,
    #[error("it is {chars} characters long (at most {MAX_QUERY_CHARS})")]
    TooLong { chars: usize },
    #[error("it has a word of {chars} characters (at most {MAX_WORD_CHARS})")]
    WordTooLong { chars: usize },
    #[error("it has more than {MAX_TERMS} words and phrases")]
    TooManyTerms,
    #[error("it nests parentheses more than {MAX_DEPTH} deep")]
    TooDeep,
    #[error("it only excludes words{where_}; say what to find as well")]
    OnlyExcludes { where_: &'static str },
    #[error("the prefix {prefix:?} is too short: give at least {MIN_PREFIX_CHARS} characters before *")]
    PrefixTooShort { prefix: String },
}

/// A parsed query: alternatives (joined by `OR`), each a list of required and excluded
/// parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub alternatives: Vec<Vec<Part>>,
}

/// One required or excluded piece of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub exclude: bool,
    pub atom: Atom,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Word { text: String, prefix: bool },
    Phrase { text: String, prefix: bool },
    Group(Expr),
}

/// Reads `query` into an [`Expr`], enforcing every limit. Linear in the query's length.
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars });
    }
    let tokens = lex(query)?;
    let mut parser = Parser { tokens, at: 0, terms: 0 };
    let expr = parser.expr(0)?;
    if parser.terms == 0 {
        return Err(QueryError::NoWords);
    }
    Ok(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Or,
    Not,
    Minus,
    Word { text: String, prefix: bool },
    Phrase { text: String, prefix: bool },
}

/// Splits the query into tokens. Quotes, parentheses and a leading `-`/`+` are syntax;
/// everything else up to white space belongs to a word.
fn lex(query: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut rest = query;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            c if c.is_whitespace() => rest = after,
            '(' => {
                tokens.push(Token::Open);
                rest = after;
            }
            ')' => {
                tokens.push(Token::Close);
                rest = after;
            }
            '-' | '+' if after.starts_with(|n: char| !n.is_whitespace()) => {
                if c == '-' {
                    tokens.push(Token::Minus);
                }
                rest = after;
            }
            '"' => {
                let end = after.find('"').unwrap_or(after.len());
                let text = after[..end].to_string();
                rest = after.get(end + 1..).unwrap_or("");
                let prefix = rest.starts_with('*');
                if prefix {
                    rest = &rest[1..];
                }
                check_words(&text)?;
                tokens.push(Token::Phrase { text, prefix });
            }
            _ => {
                let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"')).unwrap_or(rest.len());
                let raw = &rest[..end];
                rest = &rest[end..];
                tokens.push(word_token(raw)?);
            }
        }
    }
    Ok(tokens)
}

fn word_token(raw: &str) -> Result<Token, QueryError> {
    match raw {
        "OR" | "||" => return Ok(Token::Or),
        "NOT" => return Ok(Token::Not),
        _ => {}
    }
    let prefix = raw.ends_with('*');
    let text = raw.trim_end_matches('*');
    check_words(text)?;
    Ok(Token::Word { text: text.to_string(), prefix })
}

/// Refuses a word too long to be one (the analysis of a word costs more the longer it is).
fn check_words(text: &str) -> Result<(), QueryError> {
    for word in text.unicode_words() {
        let chars = word.chars().count();
        if chars > MAX_WORD_CHARS {
            return Err(QueryError::WordTooLong { chars });
        }
    }
    Ok(())
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    terms: usize,
}

impl Parser {
    /// Alternatives up to the end or a `)` that closes this depth.
    fn expr(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let mut alternatives = vec![Vec::new()];
        while let Some(token) = self.tokens.get(self.at).cloned() {
            self.at += 1;
            match token {
                Token::Close if depth > 0 => break,
                // A stray `)` at the top closes nothing: ignored.
                Token::Close => {}
                Token::Or => {
                    if alternatives.last().is_some_and(|a| !a.is_empty()) {
                        alternatives.push(Vec::new());
                    }
                }
                Token::Not | Token::Minus => {
                    if let Some(atom) = self.atom(depth)? {
                        push(&mut alternatives, Part { exclude: true, atom });
                    }
                }
                _ => {
                    self.at -= 1;
                    if let Some(atom) = self.atom(depth)? {
                        push(&mut alternatives, Part { exclude: false, atom });
                    }
                }
            }
        }
        alternatives.retain(|a| !a.is_empty());
        Ok(Expr { alternatives })
    }

    /// The next word, phrase or group; `None` where the token holds no word at all
    /// (punctuation alone) or the query ends.
    fn atom(&mut self, depth: usize) -> Result<Option<Atom>, QueryError> {
        let Some(token) = self.tokens.get(self.at).cloned() else { return Ok(None) };
        self.at += 1;
        let atom = match token {
            Token::Open => {
                if depth + 1 > MAX_DEPTH {
                    return Err(QueryError::TooDeep);
                }
                let inner = self.expr(depth + 1)?;
                return Ok((!inner.alternatives.is_empty()).then_some(Atom::Group(inner)));
            }
            Token::Word { text, prefix } => Atom::Word { text, prefix },
            Token::Phrase { text, prefix } => Atom::Phrase { text, prefix },
            // `- -x`, `NOT )` and the like: the operator applies to nothing.
            Token::Close => {
                self.at -= 1;
                return Ok(None);
            }
            Token::Or | Token::Not | Token::Minus => return Ok(None),
        };
        let (Atom::Word { text, .. } | Atom::Phrase { text, .. }) = &atom else { return Ok(Some(atom)) };
        if text.unicode_words().next().is_none() {
            return Ok(None);
        }
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        Ok(Some(atom))
    }
}

fn push(alternatives: &mut [Vec<Part>], part: Part) {
    if let Some(last) = alternatives.last_mut() {
        last.push(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(expr: &Expr) -> Vec<String> {
        let mut out = Vec::new();
        for alt in &expr.alternatives {
            for part in alt {
                let sign = if part.exclude { "-" } else { "" };
                match &part.atom {
                    Atom::Word { text, prefix } => out.push(format!("{sign}{text}{}", if *prefix { "*" } else { "" })),
                    Atom::Phrase { text, prefix } => {
                        out.push(format!("{sign}\"{text}\"{}", if *prefix { "*" } else { "" }))
                    }
                    Atom::Group(g) => out.push(format!("{sign}({})", words(g).join(" "))),
                }
            }
            out.push("|".into());
        }
        out.pop();
        out
    }

    #[test]
    fn reads_the_documented_syntax() {
        let e = parse(r#"atomprogram "Kim Jong-un" -Trump prefi* (Hanoi OR Vladivostok)"#).unwrap();
        assert_eq!(words(&e), ["atomprogram", "\"Kim Jong-un\"", "-Trump", "prefi*", "(Hanoi | Vladivostok)"]);
        let e = parse("a OR b c NOT d").unwrap();
        assert_eq!(words(&e), ["a", "|", "b", "c", "-d"]);
    }

    #[test]
    fn field_and_range_syntax_is_plain_text() {
        let e = parse("title:putin [1 TO 5] body:^2").unwrap();
        assert_eq!(words(&e), ["title:putin", "[1", "TO", "5]", "body:^2"]);
    }

    #[test]
    fn unclosed_quotes_and_parentheses_end_with_the_query() {
        assert_eq!(words(&parse(r#""Kim Jong"#).unwrap()), ["\"Kim Jong\""]);
        assert_eq!(words(&parse("(a b").unwrap()), ["(a b)"]);
        assert_eq!(words(&parse("a ) b").unwrap()), ["a", "b"]);
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let deep = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&deep).is_ok());
        let deeper = format!("{}x", "(".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deeper), Err(QueryError::TooDeep));
        // The crash that was reported: thousands of parentheses; refused by length first.
        assert_eq!(parse(&"(".repeat(3000)), Err(QueryError::TooLong { chars: 3000 }));
        assert_eq!(parse(&"(".repeat(900)), Err(QueryError::TooDeep));
    }

    #[test]
    fn limits_are_errors_that_name_them() {
        assert_eq!(parse("   "), Err(QueryError::Empty));
        assert_eq!(parse("- ( ) \" \" !!"), Err(QueryError::NoWords));
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(parse(&format!("x {long}")), Err(QueryError::WordTooLong { chars: MAX_WORD_CHARS + 1 }));
        let many = vec!["w"; MAX_TERMS + 1].join(" ");
        assert_eq!(parse(&many), Err(QueryError::TooManyTerms));
        assert!(parse(&vec!["w"; MAX_TERMS].join(" ")).is_ok());
        let msg = QueryError::TooLong { chars: 40_000 }.to_string();
        assert_eq!(msg, "it is 40000 characters long (at most 1000)");
    }

    #[test]
    fn operators_without_operands_are_ignored() {
        assert_eq!(words(&parse("OR a OR OR b OR").unwrap()), ["a", "|", "b"]);
        assert_eq!(words(&parse("a NOT").unwrap()), ["a"]);
        assert_eq!(words(&parse("a - b").unwrap()), ["a", "b"]);
    }
}
