//! A parsed query (see the `tidings-query` crate for its syntax and limits) as a tantivy
//! query over every language's fields.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, RegexQuery};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::Field;
use tidings_query::{Atom, Expr, MIN_PREFIX_CHARS, QueryError};
use unicode_segmentation::UnicodeSegmentation;

/// What turning an [`Expr`] into a tantivy query needs: the parser that analyses words
/// per field, and the fields (with their boosts) a prefix is looked up in.
pub(crate) struct Build<'a> {
    pub parser: &'a QueryParser,
    pub fields: &'a [(Field, f32)],
}

/// Why an [`Expr`] could not become a tantivy query.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Parser(#[from] tantivy::query::QueryParserError),
}

/// The tantivy query of `expr`. Recursion follows the parentheses, at most
/// [`tidings_query::MAX_DEPTH`] deep.
pub(crate) fn to_query(expr: &Expr, build: &Build<'_>) -> Result<Box<dyn Query>, BuildError> {
    query_at(expr, build, "")
}

fn query_at(expr: &Expr, build: &Build<'_>, where_: &'static str) -> Result<Box<dyn Query>, BuildError> {
    let mut alternatives = Vec::with_capacity(expr.alternatives.len());
    for parts in &expr.alternatives {
        if parts.iter().all(|p| p.exclude) {
            return Err(QueryError::OnlyExcludes { where_ }.into());
        }
        let mut clauses = Vec::with_capacity(parts.len());
        for part in parts {
            let occur = if part.exclude { Occur::MustNot } else { Occur::Must };
            clauses.push((occur, atom_query(&part.atom, build)?));
        }
        alternatives.push(single_or(clauses, Occur::Must));
    }
    let clauses = alternatives.into_iter().map(|q| (Occur::Should, q)).collect();
    Ok(single_or(clauses, Occur::Should))
}

/// A boolean query, or its one clause itself when it has one of the kind `kind`.
fn single_or(mut clauses: Vec<(Occur, Box<dyn Query>)>, kind: Occur) -> Box<dyn Query> {
    if clauses.len() == 1 && clauses[0].0 == kind {
        return clauses.remove(0).1;
    }
    Box::new(BooleanQuery::new(clauses))
}

fn atom_query(atom: &Atom, build: &Build<'_>) -> Result<Box<dyn Query>, BuildError> {
    match atom {
        Atom::Group(expr) => query_at(expr, build, " inside parentheses"),
        Atom::Word { text, prefix: true } | Atom::Phrase { text, prefix: true } => prefix_query(build, text),
        Atom::Word { text, prefix: false } => literal(build, text, Delimiter::None, false),
        Atom::Phrase { text, prefix: false } => literal(build, text, Delimiter::DoubleQuotes, false),
    }
}

/// Words or a phrase through tantivy's parser, which analyses them per field (stems,
/// compound parts) and applies the title boost.
fn literal(build: &Build<'_>, text: &str, delimiter: Delimiter, prefix: bool) -> Result<Box<dyn Query>, BuildError> {
    let literal = UserInputLiteral { field_name: None, phrase: text.to_string(), delimiter, slop: 0, prefix };
    let ast = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)));
    Ok(build.parser.build_query_from_user_input_ast(ast)?)
}

/// `word*` matches every indexed term that starts with the word (lowercased, as terms
/// are); `"several words pre"*` is a phrase whose last word is a prefix.
fn prefix_query(build: &Build<'_>, text: &str) -> Result<Box<dyn Query>, BuildError> {
    let words: Vec<&str> = text.unicode_words().collect();
    if words.len() > 1 {
        return literal(build, &words.join(" "), Delimiter::DoubleQuotes, true);
    }
    let word = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
    if word.chars().count() < MIN_PREFIX_CHARS {
        return Err(QueryError::PrefixTooShort { prefix: word }.into());
    }
    let pattern = format!("{}.*", regex_escape(&word));
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(build.fields.len());
    for &(field, boost) in build.fields {
        let query: Box<dyn Query> = Box::new(RegexQuery::from_pattern(&pattern, field)?);
        let query = if boost == 1.0 { query } else { Box::new(BoostQuery::new(query, boost)) };
        clauses.push((Occur::Should, query));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// A word as a literal regular expression: every character that is not a letter or digit
/// is escaped (a word may hold an apostrophe or a full stop: *can't*, *U.S*).
fn regex_escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 2);
    for c in word.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_escape_keeps_letters_and_escapes_the_rest() {
        assert_eq!(regex_escape("can't"), "can\\'t");
        assert_eq!(regex_escape("u.s"), "u\\.s");
        assert_eq!(regex_escape("tromsø2"), "tromsø2");
    }
}
