//! Comparison of the sources of an event: claims, agreements, single-source details, disagreements, summary, timeline.
