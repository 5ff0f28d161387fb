//! Tokens and terms: word tokens, stopwords, light stemming, content terms shared by the stages.
