/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dockerfile.h"

G_BEGIN_DECLS

/* Helpers shared by the parser, the linter and the generator. */

/* unicode.IsSpace of Go, which BuildKit uses to trim and split. */
gboolean  _dockyard_is_go_space        (gunichar     c);
/* strconv.Quote of Go: what BuildKit's parse tree dump prints. */
void      _dockyard_go_quote           (GString     *out,
                                        const char  *str);
/* A JSON string literal for exec-form arrays (also handles the encoded NUL). */
void      _dockyard_json_quote         (GString     *out,
                                        const char  *str);
/* Shell-style word processing of BuildKit's ProcessWord: quotes removed,
 * escapes resolved, $VAR/${VAR}/${VAR:-x}/${VAR-x}/${VAR:+x}/${VAR+x}
 * substituted from @vars (name -> value, %NULL value = declared without one).
 * Returns %NULL when the word cannot be processed or uses a variable
 * without a value. */
char     *_dockyard_expand_word        (const char  *word,
                                        char         escape,
                                        GHashTable  *vars);

void      _dockyard_mount_free         (DockyardMount *mount);

/* The parser (dockyard-dockerfile-parser.c), the instruction model
 * (dockyard-instruction.c) and the Dockerfile object share these. */

/* A piece of an instruction's logical line and where it is in the text. */
typedef struct
{
  gsize logical;
  gsize source;
  gsize length;
} DockyardSegment;

struct _DockyardInstruction
{
  gatomicrefcount      ref_count;
  char                *keyword;      /* upper-cased */
  char                *raw_keyword;  /* as written */
  char                *line;         /* the logical line, continuations joined */
  GArray              *segments;     /* DockyardSegment: logical line -> text */
  char               **flags;
  GArray              *flag_offsets; /* gsize pairs: logical start, end */
  char               **args;
  GArray              *arg_offsets;  /* gsize, logical; G_MAXSIZE if unknown */
  gboolean             json;
  DockyardInstruction *subcommand;
  GPtrArray           *mounts;
  GPtrArray           *heredocs;
  DockyardSourceRange  range;
  gsize                keyword_start; /* logical */
  gsize                keyword_end;   /* logical */
};

struct _DockyardDockerfile
{
  GObject     parent_instance;

  char       *text;
  gsize       length;
  gsize       bom_length;
  char        escape;
  GHashTable *directives;
  GPtrArray  *instructions;
  GArray     *line_starts;
  GArray     *stages;
  GHashTable *meta_args;
};

static inline gunichar
_dockyard_char_at (const char *s,
                   gsize       pos)
{
  return g_utf8_get_char (s + pos);
}

static inline gsize
_dockyard_next_pos (const char *s,
                    gsize       pos)
{
  return g_utf8_next_char (s + pos) - s;
}

static inline gsize
_dockyard_skip_go_space (const char *s,
                         gsize       a,
                         gsize       b)
{
  while (a < b && _dockyard_is_go_space (_dockyard_char_at (s, a)))
    a = _dockyard_next_pos (s, a);
  return a;
}

/* Parses @self's text into its instructions; the error has a position. */
gboolean  _dockyard_dockerfile_parse   (DockyardDockerfile  *self,
                                        GError             **error);

DockyardInstruction *_dockyard_instruction_new (const char *line,
                                                GArray     *segments);
void      _dockyard_instruction_parse_mounts (DockyardInstruction *ins);
void      _dockyard_heredoc_free       (DockyardHeredoc *heredoc);
/* BuildKit's parse tree dump of one instruction, appended to @out. */
void      _dockyard_instruction_dump   (const DockyardInstruction *self,
                                        GString                   *out);

/* How _dockyard_scan_words() reads a line: BuildKit's parseWords keeps
 * quotes and escapes in the words; its extractBuilderFlags resolves them
 * and only takes the leading "--flag" words. */
typedef enum
{
  DOCKYARD_WORDS_KEEP_QUOTES,
  DOCKYARD_WORDS_FLAGS,
} DockyardWordsMode;

/* One word and its range [start, end) in the scanned text. */
typedef void (*DockyardWordFunc) (const char *word,
                                  gsize       start,
                                  gsize       end,
                                  gpointer    user_data);

/* Whitespace separated words of s[a, b), quotes grouping.  Returns where
 * the scan stopped: @b, or with %DOCKYARD_WORDS_FLAGS the first word that
 * is not a flag (or the word after "--"). */
gsize     _dockyard_scan_words         (const char        *s,
                                        gsize              a,
                                        gsize              b,
                                        gunichar           escape,
                                        DockyardWordsMode  mode,
                                        DockyardWordFunc   func,
                                        gpointer           user_data);

/* The words of BuildKit's shell lexer (quotes and escapes kept with @raw),
 * or %NULL when the line cannot be lexed. */
GPtrArray *_dockyard_shell_words       (const char  *s,
                                        gsize        a,
                                        gsize        b,
                                        gboolean     raw);
/* Sets *@out to the heredoc that @word opens ("<<EOF", "<<-'EOF'"), or
 * to %NULL if it opens none. */
gboolean  _dockyard_heredoc_from_word  (const char       *word,
                                        DockyardHeredoc **out,
                                        GError          **error);

typedef enum
{
  DOCKYARD_JSON_ARRAY_INVALID,
  DOCKYARD_JSON_ARRAY_STRINGS,
  DOCKYARD_JSON_ARRAY_NOT_STRINGS,
} DockyardJsonArray;

/* Reads s[a, b) as a JSON array; calls @func for each string item. */
DockyardJsonArray _dockyard_parse_json_array (const char       *s,
                                              gsize             a,
                                              gsize             b,
                                              DockyardWordFunc  func,
                                              gpointer          user_data);

G_END_DECLS
