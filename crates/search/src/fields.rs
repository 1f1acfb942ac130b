//! The index's fields: filters (seq, story, publication time, language, outlet) and a
//! title and body field per language, each with its language's analysis.

use tantivy::TantivyError;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tidings_analyze::Lang;

use crate::tokenizer::tokenizer_name;

pub(crate) struct Fields {
    pub seq: Field,
    pub story: Field,
    pub published: Field,
    pub lang: Field,
    pub source: Field,
    /// (title, body) per language, in `Lang::all()` order.
    pub by_lang: Vec<(Field, Field)>,
}

pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field("seq", INDEXED | STORED | FAST);
    b.add_u64_field("story", INDEXED | FAST);
    b.add_i64_field("published", INDEXED | FAST);
    b.add_text_field("lang", STRING);
    b.add_text_field("source", STRING);
    for lang in Lang::all() {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(&tokenizer_name(*lang))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        b.add_text_field(&format!("title_{}", lang.code()), options.clone());
        b.add_text_field(&format!("body_{}", lang.code()), options);
    }
    b.build()
}

impl Fields {
    pub fn of(schema: &Schema) -> Result<Self, TantivyError> {
        let field = |name: &str| schema.get_field(name);
        let by_lang = Lang::all()
            .iter()
            .map(|l| Ok((field(&format!("title_{}", l.code()))?, field(&format!("body_{}", l.code()))?)))
            .collect::<Result<_, TantivyError>>()?;
        Ok(Self {
            seq: field("seq")?,
            story: field("story")?,
            published: field("published")?,
            lang: field("lang")?,
            source: field("source")?,
            by_lang,
        })
    }

    /// The (title, body) fields an article in `lang` goes into.
    pub fn text_fields(&self, lang: Lang) -> (Field, Field) {
        let i = Lang::all().iter().position(|l| *l == lang).unwrap_or(Lang::all().len() - 1);
        self.by_lang[i]
    }

    pub fn all_text_fields(&self) -> Vec<Field> {
        self.by_lang.iter().flat_map(|(t, b)| [*t, *b]).collect()
    }
}
