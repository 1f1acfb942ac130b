//! Cluster: the online story clusterer.
//!
//! Articles arrive in publication order. Each is weighted by TF-IDF (document frequencies
//! counted over the stream so far), looks up candidate stories in an inverted index of
//! the active stories' features, and joins the most similar one if the similarity passes
//! the threshold; otherwise it starts a story. Similarity blends word and entity cosines
//! with story centroids and decays with the time gap. Stories idle for longer than the
//! window retire, which keeps the cost per article flat as the stream grows. Stories
//! that continue one another are linked into storylines from their cards. A story whose
//! pace surges is breaking (`breaking.rs`).

mod breaking;
mod centroid;
mod clusterer;
mod config;
mod posting;
mod semantic;
mod story;
mod storyline;
mod tempo;
mod vector;

pub use breaking::WINDOW as BREAKING_WINDOW;
pub use clusterer::{Assignment, Clusterer, Move, Original, StoryDoc};
pub use config::ClusterConfig;
pub use posting::StoryId;
pub use story::{CopyGroup, StoryEntity, StorySummary};
pub use storyline::{StoryLink, StoryThread, StorylineConfig, Storylines};
