//! HTML main-content extraction: the article body and its metadata from a whole web page.
