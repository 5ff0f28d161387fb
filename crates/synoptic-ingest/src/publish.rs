//! Publishing articles to a stream instead of ingesting them: the seam through which `watch` and the
//! server hand articles to a broker (the binary implements it with its Kafka client; no client type
//! crosses this crate), for a `consume` process to ingest.

use synoptic_model::Article;

/// Somewhere articles can be published (a topic of a broker).
pub trait Publisher: Send + Sync {
    /// Publish `articles`, returning once the destination acknowledged every one (the count), or why not.
    fn publish(&self, articles: &[Article]) -> Result<usize, String>;

    /// Where articles go, for messages ("topic news at 127.0.0.1:9092").
    fn destination(&self) -> String;
}

/// A shared [`Publisher`] that configuration structs can hold (cloned cheaply, printed by destination).
#[derive(Clone)]
pub struct SharedPublisher(pub std::sync::Arc<dyn Publisher>);

impl std::fmt::Debug for SharedPublisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Publisher({})", self.0.destination())
    }
}

impl std::ops::Deref for SharedPublisher {
    type Target = dyn Publisher;
    fn deref(&self) -> &(dyn Publisher + 'static) {
        &*self.0
    }
}
