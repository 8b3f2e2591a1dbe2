"""Text analysis, in one place: the tokenizer, stop words, stemmer and English-prose rule that terms,
counterpoints, search excerpts and KWIC share."""
