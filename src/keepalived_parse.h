/* A reader of keepalived.conf's block syntax: text in, a tree of statements
 * out (keyword, words, block, file, line), with keepalived's own lexical rules:
 * '#' and '!' start comments outside quotes ('\#' and '\!' escape them),
 * "..." is one word, '{' and '}' stand alone even when glued to a word, a
 * statement ends at a newline or a brace, and a '{' opens the block of the
 * statement before it (on its line or the line above). It knows no keyword:
 * keepalived_import.c gives them meaning. Pure and bounds-checked; reading
 * the files of "include" lines is the caller's (keepalived_load.c). */
#ifndef VIPD_KEEPALIVED_PARSE_H
#define VIPD_KEEPALIVED_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define KP_ERR_MAX 512
#define KP_LINE_MAX 8192     /* bytes of one line */
#define KP_WORDS_MAX 64      /* words of one statement */
#define KP_DEPTH_MAX 16      /* nested blocks */
#define KP_INCLUDE_MAX 8     /* nested includes */
#define KP_NODES_MAX 100000  /* statements in all */

/* One statement: "keyword arg...", and its block when one followed. */
struct kp_node {
	char *keyword;
	char **args;           /* n_args words after the keyword */
	bool *quoted;          /* quoted[i]: args[i] was written "..." */
	size_t n_args;
	bool block;            /* a { ... } followed (child may still be NULL) */
	struct kp_node *child; /* the block's first statement */
	struct kp_node *next;  /* the next statement of the same block */
	const char *file;      /* owned by the tree */
	int line;
};

/* A whole configuration: the top-level statements of every file read. */
struct kp_tree {
	struct kp_node *first;
	char **files;
	size_t n_files;
	size_t n_nodes;
};

struct kp_parser;

/* Called for a line "include PATTERN" (exactly two words) in file at line:
 * read what it names by calling kp_parser_feed on this parser. 0, or -1 after
 * kp_parser_fail. */
typedef int (*kp_include_fn)(void *arg, struct kp_parser *p, const char *pattern,
			     const char *file, int line);

/* A parser; include may be NULL, and then an include line is an ordinary
 * statement. NULL when out of memory. */
struct kp_parser *kp_parser_new(kp_include_fn include, void *arg);

/* Read one file's text (len bytes, no NUL needed) named name in messages.
 * Its blocks must close in it. 0, or -1 with the error in kp_parser_error;
 * after an error every call fails. */
int kp_parser_feed(struct kp_parser *p, const char *name, const char *text, size_t len);

/* Record an error "file:line: what" (line 0: "file: what"); returns -1.
 * The first error is kept. */
int kp_parser_fail(struct kp_parser *p, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The error, "" when none. */
const char *kp_parser_error(const struct kp_parser *p);

/* Take the tree out (the parser keeps nothing); NULL after an error or when
 * out of memory. */
struct kp_tree *kp_parser_finish(struct kp_parser *p);

/* Free a parser (and the tree it still holds); NULL is fine. */
void kp_parser_free(struct kp_parser *p);

/* Free a tree; NULL is fine. */
void kp_tree_free(struct kp_tree *t);

/* Parse text alone, includes as plain statements: the tree, or NULL with the
 * error in err. */
struct kp_tree *kp_parse_text(const char *name, const char *text, size_t len, char *err,
			      size_t errlen);

#endif
