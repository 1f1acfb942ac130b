//! Where the stream is: `nats://HOST:PORT/STREAM`. The stream's name defaults to
//! `tidings`; articles go to the subject `STREAM.articles` and dead letters to
//! `STREAM.dead`, both kept by the JetStream stream `STREAM`.

use crate::BusError;

/// The stream's name when the URL gives none.
pub const DEFAULT_STREAM: &str = "tidings";

/// Whether a value names a NATS server rather than a file or directory.
pub fn is_bus_url(value: &str) -> bool {
    value.starts_with("nats://")
}

/// A NATS server and the JetStream stream on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusLocation {
    /// `HOST:PORT`, as the client connects to it.
    pub server: String,
    pub stream: String,
}

impl BusLocation {
    pub fn parse(url: &str) -> Result<Self, BusError> {
        let rest = url
            .strip_prefix("nats://")
            .ok_or_else(|| BusError::Location(format!("{url:?} is not a NATS URL (nats://HOST:PORT/STREAM)")))?;
        let (server, stream) = rest.split_once('/').unwrap_or((rest, ""));
        let stream = stream.trim_end_matches('/');
        let stream = if stream.is_empty() { DEFAULT_STREAM } else { stream };
        if server.is_empty() {
            return Err(BusError::Location(format!("{url:?} names no server (nats://HOST:PORT/STREAM)")));
        }
        // JetStream stream names may not hold '.', '*', '>', whitespace or path separators;
        // subjects are built from the name, so keep to a plain word.
        if !stream.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || stream.len() > 64 {
            return Err(BusError::Location(format!(
                "{url:?}: the stream name {stream:?} may hold only letters, digits, '-' and '_' (at most 64)"
            )));
        }
        let server = if server.contains(':') { server.to_string() } else { format!("{server}:4222") };
        Ok(Self { server, stream: stream.to_string() })
    }

    /// The subject articles are published to.
    pub fn articles_subject(&self) -> String {
        format!("{}.articles", self.stream)
    }

    /// The subject unreadable messages are moved to.
    pub fn dead_subject(&self) -> String {
        format!("{}.dead", self.stream)
    }

    /// How the placer names the stream in each article's origin (`nats:STREAM`), from
    /// which it finds the last sequence it committed.
    pub fn origin_name(&self) -> String {
        format!("nats:{}", self.stream)
    }
}

impl std::fmt::Display for BusLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "nats://{}/{}", self.server, self.stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_server_and_a_stream() {
        let l = BusLocation::parse("nats://10.0.0.5:4222/news").expect("parses");
        assert_eq!((l.server.as_str(), l.stream.as_str()), ("10.0.0.5:4222", "news"));
        assert_eq!((l.articles_subject(), l.dead_subject()), ("news.articles".into(), "news.dead".into()));
        let d = BusLocation::parse("nats://bus").expect("parses");
        assert_eq!((d.server.as_str(), d.stream.as_str()), ("bus:4222", DEFAULT_STREAM));
        assert_eq!(d.to_string(), "nats://bus:4222/tidings");
        assert!(BusLocation::parse("http://bus/x").is_err());
        assert!(BusLocation::parse("nats:///x").is_err());
        assert!(BusLocation::parse("nats://bus/a.b").is_err(), "a dot would split the subject");
    }
}
