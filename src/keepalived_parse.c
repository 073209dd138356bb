/* keepalived.conf's block syntax into a tree: a lexer for one line at a time
 * (comments, quotes, braces) and a stack of open blocks that statements are
 * appended to. See keepalived_parse.h for the rules. */
#include "keepalived_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KP_LINE_WORDS ((size_t)KP_WORDS_MAX * 4) /* words of one line, across its statements */

/* A word of the line being read: text in the parser's scratch buffer. */
struct kp_word {
	const char *text;
	bool quoted;
	char brace; /* '{' or '}' for a brace, else 0 */
};

/* An open block: where its next statement goes. */
struct kp_frame {
	struct kp_node *owner; /* NULL: the top level */
	struct kp_node **tail;
	struct kp_node *last;
};

struct kp_parser {
	kp_include_fn include;
	void *arg;
	struct kp_tree *tree;
	struct kp_frame stack[KP_DEPTH_MAX + 1];
	size_t depth; /* stack[depth] is the innermost open block */
	size_t base;  /* the depth the file being read started at */
	int include_depth;
	bool failed;
	char err[KP_ERR_MAX];
	char scratch[2 * KP_LINE_MAX + 2];
	struct kp_word words[KP_LINE_WORDS];
	size_t n_words;
};

/* ---- errors and the tree ---- */

int kp_parser_fail(struct kp_parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	if (line > 0)
		n = snprintf(p->err, sizeof(p->err), "%s:%d: ", file, line);
	else
		n = snprintf(p->err, sizeof(p->err), "%s: ", file);
	if (n >= 0 && (size_t)n < sizeof(p->err)) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, sizeof(p->err) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	p->failed = true;
	return -1;
}

const char *kp_parser_error(const struct kp_parser *p)
{
	return p->err;
}

static void free_nodes(struct kp_node *n)
{
	while (n) {
		struct kp_node *next = n->next;
		size_t i;

		free_nodes(n->child);
		for (i = 0; i < n->n_args; i++)
			free(n->args[i]);
		free(n->args);
		free(n->quoted);
		free(n->keyword);
		free(n);
		n = next;
	}
}

void kp_tree_free(struct kp_tree *t)
{
	size_t i;

	if (!t)
		return;
	free_nodes(t->first);
	for (i = 0; i < t->n_files; i++)
		free(t->files[i]);
	free(t->files);
	free(t);
}

struct kp_parser *kp_parser_new(kp_include_fn include, void *arg)
{
	struct kp_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->tree = calloc(1, sizeof(*p->tree));
	if (!p->tree) {
		free(p);
		return NULL;
	}
	p->include = include;
	p->arg = arg;
	p->stack[0].tail = &p->tree->first;
	return p;
}

void kp_parser_free(struct kp_parser *p)
{
	if (!p)
		return;
	kp_tree_free(p->tree);
	free(p);
}

struct kp_tree *kp_parser_finish(struct kp_parser *p)
{
	struct kp_tree *t;

	if (p->failed)
		return NULL;
	t = p->tree;
	p->tree = NULL;
	return t;
}

/* The tree's own copy of a file name. */
static const char *intern_file(struct kp_parser *p, const char *name)
{
	struct kp_tree *t = p->tree;
	char **files;

	if (t->n_files && strcmp(t->files[t->n_files - 1], name) == 0)
		return t->files[t->n_files - 1];
	files = realloc(t->files, (t->n_files + 1) * sizeof(*files));
	if (!files)
		return NULL;
	t->files = files;
	if (!(files[t->n_files] = strdup(name)))
		return NULL;
	return files[t->n_files++];
}

/* ---- statements and blocks ---- */

static struct kp_node *node_new(const struct kp_word *w, size_t n, const char *file, int line)
{
	struct kp_node *node = calloc(1, sizeof(*node));
	size_t i;

	if (!node)
		return NULL;
	node->file = file;
	node->line = line;
	node->n_args = n - 1;
	node->keyword = strdup(w[0].text);
	node->args = calloc(n, sizeof(*node->args));
	node->quoted = calloc(n, sizeof(*node->quoted));
	if (!node->keyword || !node->args || !node->quoted) {
		node->n_args = 0;
		free_nodes(node);
		return NULL;
	}
	for (i = 1; i < n; i++) {
		node->quoted[i - 1] = w[i].quoted;
		if (!(node->args[i - 1] = strdup(w[i].text))) {
			node->n_args = i - 1;
			free_nodes(node);
			return NULL;
		}
	}
	return node;
}

/* Words [from, to) of the line as one statement of the innermost block. */
static int add_statement(struct kp_parser *p, size_t from, size_t to, const char *file, int line)
{
	struct kp_frame *f = &p->stack[p->depth];
	struct kp_node *node;

	if (to == from)
		return 0;
	if (to - from > KP_WORDS_MAX)
		return kp_parser_fail(p, file, line, "more than %d words in one statement",
				      KP_WORDS_MAX);
	if (p->tree->n_nodes >= KP_NODES_MAX)
		return kp_parser_fail(p, file, line, "more than %d statements", KP_NODES_MAX);
	node = node_new(&p->words[from], to - from, file, line);
	if (!node)
		return kp_parser_fail(p, file, line, "out of memory");
	*f->tail = node;
	f->tail = &node->next;
	f->last = node;
	p->tree->n_nodes++;
	return 0;
}

/* '{': the block of the innermost block's last statement. */
static int open_block(struct kp_parser *p, const char *file, int line)
{
	struct kp_node *owner = p->stack[p->depth].last;

	if (!owner || owner->block)
		return kp_parser_fail(p, file, line, "'{' without a keyword before it");
	if (p->depth == KP_DEPTH_MAX)
		return kp_parser_fail(p, file, line, "blocks nested deeper than %d", KP_DEPTH_MAX);
	owner->block = true;
	p->depth++;
	p->stack[p->depth] = (struct kp_frame){ owner, &owner->child, NULL };
	return 0;
}

static int close_block(struct kp_parser *p, const char *file, int line)
{
	if (p->depth == p->base)
		return kp_parser_fail(p, file, line, "'}' without a '{'");
	p->depth--;
	return 0;
}

/* "include PATTERN": hand it to the caller, with its own copy of the pattern
 * (reading the files reuses the line buffer). */
static int do_include(struct kp_parser *p, const char *file, int line)
{
	char *pattern = strdup(p->words[1].text);
	size_t base = p->base;
	int rc;

	if (!pattern)
		return kp_parser_fail(p, file, line, "out of memory");
	if (p->include_depth >= KP_INCLUDE_MAX) {
		free(pattern);
		return kp_parser_fail(p, file, line, "includes nested deeper than %d (a loop?)",
				      KP_INCLUDE_MAX);
	}
	p->include_depth++;
	rc = p->include(p->arg, p, pattern, file, line);
	p->include_depth--;
	p->base = base;
	free(pattern);
	return rc < 0 || p->failed ? kp_parser_fail(p, file, line, "include failed") : 0;
}

/* The words of one line: statements split at braces. */
static int take_words(struct kp_parser *p, const char *file, int line)
{
	size_t from = 0, i;

	if (p->n_words == 2 && p->include && !p->words[1].brace &&
	    strcmp(p->words[0].text, "include") == 0 && !p->words[0].quoted)
		return do_include(p, file, line);
	for (i = 0; i < p->n_words; i++) {
		if (!p->words[i].brace)
			continue;
		if (add_statement(p, from, i, file, line) < 0)
			return -1;
		if (p->words[i].brace == '{' ? open_block(p, file, line) < 0
					     : close_block(p, file, line) < 0)
			return -1;
		from = i + 1;
	}
	return add_statement(p, from, p->n_words, file, line);
}

/* ---- the lexer ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool ends_word(char c)
{
	return is_blank(c) || c == '"' || c == '{' || c == '}';
}

struct lexer {
	const char *s;
	size_t len, i;
	size_t o;      /* used bytes of the scratch buffer */
	bool comment;  /* the rest of the line is a comment */
};

static int add_word(struct kp_parser *p, struct lexer *lx, size_t start, bool quoted, char brace,
		    const char *file, int line)
{
	if (p->n_words == KP_LINE_WORDS)
		return kp_parser_fail(p, file, line, "more than %zu words on one line",
				      KP_LINE_WORDS);
	p->scratch[lx->o++] = '\0';
	p->words[p->n_words++] = (struct kp_word){ p->scratch + start, quoted, brace };
	return 0;
}

/* "..." at lx->i: the text up to the next '"', taken as it is. */
static int lex_quoted(struct kp_parser *p, struct lexer *lx, const char *file, int line)
{
	const char *end = memchr(lx->s + lx->i + 1, '"', lx->len - lx->i - 1);
	size_t start = lx->o, n;

	if (!end)
		return kp_parser_fail(p, file, line, "unterminated quote");
	n = (size_t)(end - (lx->s + lx->i + 1));
	memcpy(p->scratch + lx->o, lx->s + lx->i + 1, n);
	lx->o += n;
	lx->i += n + 2;
	return add_word(p, lx, start, true, 0, file, line);
}

/* A bare word at lx->i; a '#' or '!' in it starts a comment, "\#" and "\!"
 * are those characters. */
static int lex_bare(struct kp_parser *p, struct lexer *lx, const char *file, int line)
{
	size_t start = lx->o;

	while (lx->i < lx->len && !ends_word(lx->s[lx->i])) {
		char c = lx->s[lx->i];

		if (c == '#' || c == '!') {
			lx->comment = true;
			break;
		}
		if (c == '\\' && lx->i + 1 < lx->len && (lx->s[lx->i + 1] == '#' || lx->s[lx->i + 1] == '!'))
			c = lx->s[++lx->i];
		p->scratch[lx->o++] = c;
		lx->i++;
	}
	if (lx->o == start)
		return 0;
	return add_word(p, lx, start, false, 0, file, line);
}

/* Split one line (without its newline) into words. */
static int lex_line(struct kp_parser *p, const char *s, size_t len, const char *file, int line)
{
	struct lexer lx = { s, len, 0, 0, false };

	p->n_words = 0;
	if (len > KP_LINE_MAX)
		return kp_parser_fail(p, file, line, "line longer than %d bytes", KP_LINE_MAX);
	if (memchr(s, '\0', len))
		return kp_parser_fail(p, file, line, "NUL byte in the line");
	while (lx.i < len && !lx.comment) {
		char c = s[lx.i];
		int rc = 0;

		if (is_blank(c))
			lx.i++;
		else if (c == '{' || c == '}') {
			lx.i++;
			rc = add_word(p, &lx, lx.o, false, c, file, line);
		} else if (c == '"')
			rc = lex_quoted(p, &lx, file, line);
		else
			rc = lex_bare(p, &lx, file, line);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- files ---- */

/* The innermost block this file opened and did not close. */
static const struct kp_node *open_owner(const struct kp_parser *p)
{
	return p->stack[p->depth].owner;
}

static int feed_lines(struct kp_parser *p, const char *file, const char *text, size_t len)
{
	size_t pos = 0;
	int line = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		line++;
		if (lex_line(p, text + pos, n, file, line) < 0 || take_words(p, file, line) < 0)
			return -1;
		pos += n + (nl ? 1 : 0);
	}
	if (p->depth != p->base)
		return kp_parser_fail(p, open_owner(p)->file, open_owner(p)->line,
				      "the block of '%s' is not closed (missing '}')",
				      open_owner(p)->keyword);
	return 0;
}

int kp_parser_feed(struct kp_parser *p, const char *name, const char *text, size_t len)
{
	size_t base = p->base;
	const char *file;
	int rc;

	if (p->failed)
		return -1;
	file = intern_file(p, name);
	if (!file)
		return kp_parser_fail(p, name, 0, "out of memory");
	p->base = p->depth;
	rc = feed_lines(p, file, text, len);
	p->base = base;
	return rc;
}

struct kp_tree *kp_parse_text(const char *name, const char *text, size_t len, char *err,
			      size_t errlen)
{
	struct kp_parser *p = kp_parser_new(NULL, NULL);
	struct kp_tree *t = NULL;

	if (!p) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	if (kp_parser_feed(p, name, text, len) == 0)
		t = kp_parser_finish(p);
	if (!t)
		snprintf(err, errlen, "%s", p->failed ? p->err : "out of memory");
	kp_parser_free(p);
	return t;
}
