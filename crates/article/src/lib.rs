//! Shared types of the tidings pipeline: the [`Article`] every reader produces and every
//! later stage consumes, and [`Origin`], which says where a record came from so that
//! every warning can name its file and line.
//!
//! This crate is deliberately tiny: it is the vocabulary the pipeline's crates share,
//! so that `ingest`, `analyze` and `cluster` do not depend on one another's internals.

mod article;
mod origin;
mod published;

pub use article::Article;
pub use origin::Origin;
pub use published::{EARLIEST_YEAR, FUTURE_TOLERANCE, Precision, Published, looks_like_date, parse_published};
