// External scanner for tree-sitter-ferry: decides when a newline ends something.
//
// docs/syntax.md: a newline ends a statement (or a record entry, a match arm, an
// item) when what precedes it is complete -- the parser only asks for `_newline`
// where that is so -- unless the next line starts with `.`, `?.`, `??` or `|`.
// Inside ( ) and [ ] the parser never asks, so newlines there are whitespace.
//
// Two more continuations, both harmless since nothing else could follow there:
// a next line starting with `else` or `catch` continues an `if` or a `try`, and in
// an op's HTTP binding a next line starting with a clause word (`query`, `headers`,
// `body`, `result`, `paged`, `items`, `idempotent`) yields `_clause_newline`.
//
// The tokens are zero-width, placed where the newline (or a trailing `//` comment)
// starts; the grammar never accepts two separators in a row, so they cannot repeat.

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <string.h>

enum TokenType {
  NEWLINE,
  CLAUSE_NEWLINE,
  ERROR_SENTINEL,
  ERRORS_KEYWORD,
};

void *tree_sitter_ferry_external_scanner_create(void) { return NULL; }
void tree_sitter_ferry_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_ferry_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_ferry_external_scanner_deserialize(void *payload, const char *buffer,
                                                    unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

static inline bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool is_word_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_word_char(int32_t c) {
  return is_word_start(c) || (c >= '0' && c <= '9');
}

// Reads the word at the lookahead into buf (truncated words never match a list entry).
static void read_word(TSLexer *lexer, char *buf, size_t cap) {
  size_t len = 0;
  while (is_word_char(lexer->lookahead)) {
    if (len + 1 < cap) buf[len] = (char)lexer->lookahead;
    len++;
    advance(lexer);
  }
  if (len + 1 >= cap) len = 0;  // too long to be a keyword
  buf[len] = '\0';
}

static bool in_list(const char *word, const char *const *list) {
  for (; *list; list++) {
    if (strcmp(word, *list) == 0) return true;
  }
  return false;
}

static const char *const CONTINUATION_WORDS[] = {"else", "catch", NULL};
static const char *const CLAUSE_WORDS[] = {
    "query", "headers", "body", "result", "paged", "items", "idempotent", NULL,
};

static bool emit(TSLexer *lexer, enum TokenType type) {
  lexer->result_symbol = type;
  return true;
}

bool tree_sitter_ferry_external_scanner_scan(void *payload, TSLexer *lexer,
                                             const bool *valid_symbols) {
  (void)payload;
  if (valid_symbols[ERROR_SENTINEL]) return false;
  bool want_newline = valid_symbols[NEWLINE];
  bool want_clause = valid_symbols[CLAUSE_NEWLINE];
  bool want_errors = valid_symbols[ERRORS_KEYWORD];
  if (!want_newline && !want_clause && !want_errors) return false;

  // Where an item may start: `errors` then `{` on the same line starts an
  // adaptor's `errors { }`; any other `errors` is a name, left to the grammar's
  // own lexer.
  if (want_errors && !want_newline && !want_clause) {
    while (is_space(lexer->lookahead) || lexer->lookahead == '\n') skip(lexer);
    if (lexer->lookahead != 'e') return false;
    char word[16];
    read_word(lexer, word, sizeof word);
    if (strcmp(word, "errors") != 0) return false;
    lexer->mark_end(lexer);
    while (is_space(lexer->lookahead)) advance(lexer);
    return lexer->lookahead == '{' ? emit(lexer, ERRORS_KEYWORD) : false;
  }
  if (!want_newline && !want_clause) return false;

  while (is_space(lexer->lookahead)) skip(lexer);
  lexer->mark_end(lexer);  // every token here is zero-width

  // Find the first significant character after the line break, skipping blank
  // lines and comment lines.
  bool line_ended = false;
  for (;;) {
    int32_t c = lexer->lookahead;
    if (lexer->eof(lexer)) {
      return line_ended && want_newline ? emit(lexer, NEWLINE) : false;
    }
    if (c == '\n') {
      line_ended = true;
      advance(lexer);
    } else if (is_space(c)) {
      advance(lexer);
    } else if (c == '/') {
      advance(lexer);
      if (lexer->lookahead != '/') {
        // `/` continues the expression on this line; at the start of a line it is
        // not a continuation, so the statement ended.
        return line_ended && want_newline ? emit(lexer, NEWLINE) : false;
      }
      while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
      line_ended = true;  // a comment runs to the end of its line
    } else {
      break;
    }
  }
  if (!line_ended) return false;

  int32_t c = lexer->lookahead;
  if (c == '|') return false;
  if (c == '.') {
    advance(lexer);
    if (lexer->lookahead != '.') return false;  // `.field`; `..` is a spread
  } else if (c == '?') {
    advance(lexer);
    if (lexer->lookahead == '.' || lexer->lookahead == '?') return false;
  } else if (is_word_start(c)) {
    char word[16];
    read_word(lexer, word, sizeof word);
    if (want_clause && in_list(word, CLAUSE_WORDS)) return emit(lexer, CLAUSE_NEWLINE);
    if (in_list(word, CONTINUATION_WORDS)) return false;
  }
  return want_newline ? emit(lexer, NEWLINE) : false;
}
