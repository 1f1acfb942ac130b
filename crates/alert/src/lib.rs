//! Alerts: saved queries over the stream that notify when a story they follow appears,
//! breaks or grows.
//!
//! - `definition.rs`: what an alert is and how it is checked when saved.
//! - `matcher.rs`: the search syntax evaluated against one article in memory.
//! - `percolator.rs`: alerts indexed by a term or name each requires, so that an article is
//!   checked only against the alerts it could match.
//! - `notice.rs`: which followed stories send a notice, and the notice's body.

mod definition;
mod matcher;
mod notice;
mod percolator;
mod signature;

pub use definition::{
    Alert, DEFAULT_EVERY_SECONDS, DEFAULT_MIN_ARTICLES, DefinitionError, MAX_NAME_CHARS, Trigger, Webhook, parse_every,
};
pub use matcher::{CompiledQuery, DocTerms, matches};
pub use notice::{Follow, StoryState, decide, notice_key};
pub use percolator::{AlertId, ArticleView, Percolator};
pub use signature::{SIGNATURE_HEADER, sign, verify};
