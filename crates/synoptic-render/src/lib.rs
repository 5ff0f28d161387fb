//! Renders the contract document for people: terminal text, Markdown and one standalone HTML file. Pure.
