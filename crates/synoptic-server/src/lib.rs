//! HTTP API, server-rendered web pages and the Atom feed of stories, over the store.
