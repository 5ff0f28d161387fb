//! Online two-level clustering: articles into events, events into stories, with explanations.
