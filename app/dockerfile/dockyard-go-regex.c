/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "dockyard-go-regex.h"

/*
 * DockyardGoRegex:
 *
 * The part of Go's regular expression syntax (package regexp, Perl flags)
 * that the expressions Docker builds from `.dockerignore` patterns can hold:
 * literals and escapes, `.`, character classes (ranges, negation, `\d \s
 * \w`, `[:alpha:]` names), groups, `* + ?`, `^ $ \A \z`.  Matching simulates
 * every thread at once (Thompson's construction, as Go does), so it takes
 * time linear in the text whatever the expression: no pattern can make a
 * build context walk crawl.
 *
 * Syntax that Go knows but this does not reproduce (`\b`, `\B`, `\p{…}`,
 * `\Q…\E`, `(?…)`, `|`) is refused with an error, never guessed: an error
 * stops the build, a guess could send a file that should stay out.
 */

typedef enum
{
  ITEM_RANGE,
  ITEM_PERL,
  ITEM_POSIX,
} ItemKind;

typedef struct
{
  ItemKind  kind;
  gboolean  negated;
  gunichar  lo;
  gunichar  hi;
  guint     which;    /* PERL: 'd', 's', 'w'; POSIX: index in posix_classes */
} ClassItem;

typedef struct
{
  GArray   *items;    /* of ClassItem */
  gboolean  negated;
} CharClass;

typedef enum
{
  NODE_CHAR,
  NODE_BEGIN,
  NODE_END,
  NODE_CAT,
  NODE_STAR,
  NODE_QUEST,
  NODE_PLUS,
} NodeKind;

typedef struct _Node Node;
struct _Node
{
  NodeKind   kind;
  guint      class_index;
  GPtrArray *children;  /* of Node, for CAT and the repetitions */
};

typedef enum
{
  OP_CHAR,
  OP_SPLIT,
  OP_JMP,
  OP_BEGIN,
  OP_END,
  OP_MATCH,
} OpCode;

typedef struct
{
  OpCode op;
  guint  x;
  guint  y;
} Inst;

struct _DockyardGoRegex
{
  GPtrArray *classes;  /* of CharClass */
  GArray    *program;  /* of Inst */
};

typedef struct
{
  const gunichar *runes;
  gsize           n;
  gsize           pos;
  GPtrArray      *classes;
} Parser;

static gboolean
posix_word (gunichar c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean posix_alnum (gunichar c) { return c < 0x80 && g_ascii_isalnum (c); }
static gboolean posix_alpha (gunichar c) { return c < 0x80 && g_ascii_isalpha (c); }
static gboolean posix_ascii (gunichar c) { return c < 0x80; }
static gboolean posix_blank (gunichar c) { return c == ' ' || c == '\t'; }
static gboolean posix_cntrl (gunichar c) { return c < 0x20 || c == 0x7f; }
static gboolean posix_digit (gunichar c) { return c >= '0' && c <= '9'; }
static gboolean posix_graph (gunichar c) { return c >= '!' && c <= '~'; }
static gboolean posix_lower (gunichar c) { return c >= 'a' && c <= 'z'; }
static gboolean posix_print (gunichar c) { return c >= ' ' && c <= '~'; }
static gboolean posix_punct (gunichar c) { return c < 0x80 && g_ascii_ispunct (c); }
static gboolean posix_space (gunichar c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static gboolean posix_upper (gunichar c) { return c >= 'A' && c <= 'Z'; }
static gboolean posix_xdigit (gunichar c) { return c < 0x80 && g_ascii_isxdigit (c); }
static gboolean posix_word_class (gunichar c) { return c < 0x80 && posix_word (c); }

static const struct
{
  const char *name;
  gboolean  (*test) (gunichar c);
} posix_classes[] = {
  { "alnum", posix_alnum }, { "alpha", posix_alpha }, { "ascii", posix_ascii },
  { "blank", posix_blank }, { "cntrl", posix_cntrl }, { "digit", posix_digit },
  { "graph", posix_graph }, { "lower", posix_lower }, { "print", posix_print },
  { "punct", posix_punct }, { "space", posix_space }, { "upper", posix_upper },
  { "word", posix_word_class }, { "xdigit", posix_xdigit },
};

/* Go's \d, \s and \w are ASCII-only. */
static gboolean
perl_class_matches (guint    which,
                    gunichar c)
{
  switch (which)
    {
    case 'd':
      return posix_digit (c);
    case 's':
      return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    case 'w':
      return posix_word_class (c);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
class_matches (const CharClass *cls,
               gunichar         c)
{
  gboolean in = FALSE;

  for (guint i = 0; i < cls->items->len && !in; i++)
    {
      const ClassItem *item = &g_array_index (cls->items, ClassItem, i);
      gboolean hit = FALSE;

      switch (item->kind)
        {
        case ITEM_RANGE:
          hit = c >= item->lo && c <= item->hi;
          break;
        case ITEM_PERL:
          hit = perl_class_matches (item->which, c);
          break;
        case ITEM_POSIX:
          hit = posix_classes[item->which].test (c);
          break;
        default:
          g_assert_not_reached ();
        }
      in = item->negated ? !hit : hit;
    }

  return cls->negated ? !in : in;
}

static void
char_class_free (gpointer data)
{
  CharClass *cls = data;

  g_array_unref (cls->items);
  g_free (cls);
}

static guint
add_class (Parser   *parser,
           gboolean  negated)
{
  CharClass *cls = g_new0 (CharClass, 1);

  cls->items = g_array_new (FALSE, TRUE, sizeof (ClassItem));
  cls->negated = negated;
  g_ptr_array_add (parser->classes, cls);

  return parser->classes->len - 1;
}

static void
class_add_item (Parser          *parser,
                guint            index,
                const ClassItem *item)
{
  CharClass *cls = g_ptr_array_index (parser->classes, index);

  g_array_append_val (cls->items, *item);
}

static void
node_free (gpointer data)
{
  Node *node = data;

  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

static Node *
node_new (NodeKind kind)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  if (kind == NODE_CAT || kind == NODE_STAR || kind == NODE_QUEST || kind == NODE_PLUS)
    node->children = g_ptr_array_new_with_free_func (node_free);

  return node;
}

static Node *
node_new_char (Parser   *parser,
               gunichar  lo,
               gunichar  hi,
               gboolean  negated)
{
  Node *node = node_new (NODE_CHAR);
  ClassItem item = { ITEM_RANGE, FALSE, lo, hi, 0 };

  node->class_index = add_class (parser, negated);
  class_add_item (parser, node->class_index, &item);

  return node;
}

static gboolean
set_syntax_error (GError     **error,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", what);
  return FALSE;
}

static int
hex_value (gunichar c)
{
  return c < 0x80 && g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* An escape that stands for one character (Go's parseEscape); the
 * backslash is already consumed. */
static gboolean
parse_escape_char (Parser    *parser,
                   gunichar  *out,
                   GError   **error)
{
  gunichar c;

  if (parser->pos >= parser->n)
    return set_syntax_error (error, _("trailing backslash"));
  c = parser->runes[parser->pos++];

  if (c >= '0' && c <= '7')
    {
      gunichar value = c - '0';

      /* A lone \1 to \7 is a back-reference, which Go refuses. */
      if (c != '0' && (parser->pos >= parser->n
                       || parser->runes[parser->pos] < '0' || parser->runes[parser->pos] > '7'))
        return set_syntax_error (error, _("invalid escape sequence"));
      for (guint i = 0; i < 2 && parser->pos < parser->n
           && parser->runes[parser->pos] >= '0' && parser->runes[parser->pos] <= '7'; i++)
        value = value * 8 + (parser->runes[parser->pos++] - '0');
      *out = value;
      return TRUE;
    }

  if (c == 'x')
    {
      gunichar value = 0;

      if (parser->pos < parser->n && parser->runes[parser->pos] == '{')
        {
          guint digits = 0;

          parser->pos++;
          while (parser->pos < parser->n && hex_value (parser->runes[parser->pos]) >= 0)
            {
              value = value * 16 + hex_value (parser->runes[parser->pos++]);
              if (value > 0x10FFFF)
                return set_syntax_error (error, _("invalid escape sequence"));
              digits++;
            }
          if (digits == 0 || parser->pos >= parser->n || parser->runes[parser->pos] != '}')
            return set_syntax_error (error, _("invalid escape sequence"));
          parser->pos++;
        }
      else
        {
          for (guint i = 0; i < 2; i++)
            {
              if (parser->pos >= parser->n || hex_value (parser->runes[parser->pos]) < 0)
                return set_syntax_error (error, _("invalid escape sequence"));
              value = value * 16 + hex_value (parser->runes[parser->pos++]);
            }
        }
      *out = value;
      return TRUE;
    }

  switch (c)
    {
    case 'a': *out = '\a'; return TRUE;
    case 'f': *out = '\f'; return TRUE;
    case 'n': *out = '\n'; return TRUE;
    case 'r': *out = '\r'; return TRUE;
    case 't': *out = '\t'; return TRUE;
    case 'v': *out = '\v'; return TRUE;
    default:
      break;
    }

  /* Escaped punctuation is itself. */
  if (c < 0x80 && !g_ascii_isalnum (c))
    {
      *out = c;
      return TRUE;
    }

  return set_syntax_error (error, _("invalid escape sequence"));
}

static gboolean
is_perl_class (gunichar c)
{
  return c == 'd' || c == 'D' || c == 's' || c == 'S' || c == 'w' || c == 'W';
}

static gboolean
refuse_unsupported_escape (gunichar   c,
                           GError   **error)
{
  if (c == 'p' || c == 'P' || c == 'b' || c == 'B' || c == 'Q')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the escape “\\%c” means something special to Docker, which Dockyard does not reproduce"),
                   (char) c);
      return TRUE;
    }

  return FALSE;
}

static gboolean
parse_class_char (Parser    *parser,
                  gunichar  *out,
                  GError   **error)
{
  if (parser->runes[parser->pos] == '\\')
    {
      parser->pos++;
      return parse_escape_char (parser, out, error);
    }

  *out = parser->runes[parser->pos++];
  return TRUE;
}

/* After the '['. */
static Node *
parse_class (Parser  *parser,
             GError **error)
{
  g_autoptr(Node) node = node_new (NODE_CHAR);
  gboolean first = TRUE;

  if (parser->pos < parser->n && parser->runes[parser->pos] == '^')
    {
      parser->pos++;
      node->class_index = add_class (parser, TRUE);
    }
  else
    node->class_index = add_class (parser, FALSE);

  for (;;)
    {
      ClassItem item = { ITEM_RANGE, FALSE, 0, 0, 0 };
      gunichar c;

      if (parser->pos >= parser->n)
        {
          set_syntax_error (error, _("missing closing ]"));
          return NULL;
        }
      c = parser->runes[parser->pos];

      if (c == ']' && !first)
        {
          parser->pos++;
          break;
        }
      first = FALSE;

      if (c == '[' && parser->pos + 1 < parser->n && parser->runes[parser->pos + 1] == ':')
        {
          gsize close = parser->pos + 2;

          while (close + 1 < parser->n
                 && !(parser->runes[close] == ':' && parser->runes[close + 1] == ']'))
            close++;
          if (close + 1 < parser->n)
            {
              GString *name = g_string_new (NULL);
              gsize start = parser->pos + 2;
              gboolean found = FALSE;

              if (start < close && parser->runes[start] == '^')
                {
                  item.negated = TRUE;
                  start++;
                }
              for (gsize i = start; i < close; i++)
                g_string_append_unichar (name, parser->runes[i]);
              for (guint i = 0; i < G_N_ELEMENTS (posix_classes) && !found; i++)
                if (g_str_equal (name->str, posix_classes[i].name))
                  {
                    item.kind = ITEM_POSIX;
                    item.which = i;
                    found = TRUE;
                  }
              g_string_free (name, TRUE);
              if (!found)
                {
                  set_syntax_error (error, _("invalid character class range"));
                  return NULL;
                }
              class_add_item (parser, node->class_index, &item);
              parser->pos = close + 2;
              continue;
            }
        }

      if (c == '\\' && parser->pos + 1 < parser->n)
        {
          gunichar next = parser->runes[parser->pos + 1];

          if (refuse_unsupported_escape (next, error))
            return NULL;
          if (is_perl_class (next))
            {
              item.kind = ITEM_PERL;
              item.which = g_ascii_tolower (next);
              item.negated = g_ascii_isupper (next);
              class_add_item (parser, node->class_index, &item);
              parser->pos += 2;
              continue;
            }
        }

      if (!parse_class_char (parser, &item.lo, error))
        return NULL;
      item.hi = item.lo;
      if (parser->pos + 1 < parser->n && parser->runes[parser->pos] == '-'
          && parser->runes[parser->pos + 1] != ']')
        {
          parser->pos++;
          if (!parse_class_char (parser, &item.hi, error))
            return NULL;
          if (item.hi < item.lo)
            {
              set_syntax_error (error, _("invalid character class range"));
              return NULL;
            }
        }
      class_add_item (parser, node->class_index, &item);
    }

  return g_steal_pointer (&node);
}

/* An atom after a backslash, outside a class. */
static Node *
parse_escape_atom (Parser  *parser,
                   GError **error)
{
  gunichar c;

  if (parser->pos + 1 >= parser->n)
    {
      set_syntax_error (error, _("trailing backslash"));
      return NULL;
    }
  c = parser->runes[parser->pos + 1];

  if (refuse_unsupported_escape (c, error))
    return NULL;
  if (c == 'A' || c == 'z')
    {
      parser->pos += 2;
      return node_new (c == 'A' ? NODE_BEGIN : NODE_END);
    }
  if (is_perl_class (c))
    {
      Node *node = node_new (NODE_CHAR);
      ClassItem item = { ITEM_PERL, g_ascii_isupper (c), 0, 0, g_ascii_tolower (c) };

      node->class_index = add_class (parser, FALSE);
      class_add_item (parser, node->class_index, &item);
      parser->pos += 2;
      return node;
    }

  parser->pos++;
  if (!parse_escape_char (parser, &c, error))
    return NULL;

  return node_new_char (parser, c, c, FALSE);
}

static Node *
parse_concat (Parser  *parser,
              guint    depth,
              GError **error)
{
  g_autoptr(Node) cat = node_new (NODE_CAT);
  gboolean repeated = FALSE;

  while (parser->pos < parser->n)
    {
      gunichar c = parser->runes[parser->pos];
      Node *atom = NULL;

      if (c == ')')
        {
          if (depth == 0)
            {
              set_syntax_error (error, _("unexpected )"));
              return NULL;
            }
          break;
        }

      if (c == '*' || c == '+' || c == '?')
        {
          Node *repeat;

          if (cat->children->len == 0 || repeated)
            {
              set_syntax_error (error, repeated ? _("invalid nested repetition operator")
                                                : _("missing argument to repetition operator"));
              return NULL;
            }
          parser->pos++;
          /* A non-greedy repetition matches the same texts. */
          if (parser->pos < parser->n && parser->runes[parser->pos] == '?')
            parser->pos++;

          repeat = node_new (c == '*' ? NODE_STAR : c == '+' ? NODE_PLUS : NODE_QUEST);
          g_ptr_array_add (repeat->children,
                           g_ptr_array_steal_index (cat->children, cat->children->len - 1));
          g_ptr_array_add (cat->children, repeat);
          repeated = TRUE;
          continue;
        }
      repeated = FALSE;

      switch (c)
        {
        case '(':
          parser->pos++;
          if (parser->pos < parser->n && parser->runes[parser->pos] == '?')
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   _("“(?” means something special to Docker, which Dockyard does not reproduce"));
              return NULL;
            }
          if ((atom = parse_concat (parser, depth + 1, error)) == NULL)
            return NULL;
          if (parser->pos >= parser->n)
            {
              node_free (atom);
              set_syntax_error (error, _("missing closing )"));
              return NULL;
            }
          parser->pos++;
          break;
        case '|':
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“|” means something special to Docker, which Dockyard does not reproduce"));
          return NULL;
        case '[':
          parser->pos++;
          if ((atom = parse_class (parser, error)) == NULL)
            return NULL;
          break;
        case '.':
          parser->pos++;
          atom = node_new_char (parser, '\n', '\n', TRUE);
          break;
        case '^':
          parser->pos++;
          atom = node_new (NODE_BEGIN);
          break;
        case '$':
          parser->pos++;
          atom = node_new (NODE_END);
          break;
        case '\\':
          if ((atom = parse_escape_atom (parser, error)) == NULL)
            return NULL;
          break;
        default:
          parser->pos++;
          atom = node_new_char (parser, c, c, FALSE);
          break;
        }

      g_ptr_array_add (cat->children, atom);
    }

  return g_steal_pointer (&cat);
}

static guint
emit (GArray *program,
      OpCode  op,
      guint   x,
      guint   y)
{
  Inst inst = { op, x, y };

  g_array_append_val (program, inst);
  return program->len - 1;
}

static void
compile_node (const Node *node,
              GArray     *program)
{
  guint start;
  guint split;

  switch (node->kind)
    {
    case NODE_CHAR:
      emit (program, OP_CHAR, node->class_index, 0);
      break;
    case NODE_BEGIN:
      emit (program, OP_BEGIN, 0, 0);
      break;
    case NODE_END:
      emit (program, OP_END, 0, 0);
      break;
    case NODE_CAT:
      for (guint i = 0; i < node->children->len; i++)
        compile_node (g_ptr_array_index (node->children, i), program);
      break;
    case NODE_STAR:
      split = emit (program, OP_SPLIT, 0, 0);
      compile_node (g_ptr_array_index (node->children, 0), program);
      emit (program, OP_JMP, split, 0);
      g_array_index (program, Inst, split).x = split + 1;
      g_array_index (program, Inst, split).y = program->len;
      break;
    case NODE_QUEST:
      split = emit (program, OP_SPLIT, 0, 0);
      compile_node (g_ptr_array_index (node->children, 0), program);
      g_array_index (program, Inst, split).x = split + 1;
      g_array_index (program, Inst, split).y = program->len;
      break;
    case NODE_PLUS:
      start = program->len;
      compile_node (g_ptr_array_index (node->children, 0), program);
      emit (program, OP_SPLIT, start, program->len + 1);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Go reads an invalid byte as U+FFFD, one byte long. */
static gunichar
next_rune (const char **p,
           const char  *end)
{
  gunichar c = g_utf8_get_char_validated (*p, end - *p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      (*p)++;
      return 0xFFFD;
    }

  *p = g_utf8_next_char (*p);
  return c;
}

/**
 * dockyard_go_regex_new:
 * @expression: a regular expression in Go's syntax
 * @error: return location for an error
 *
 * Returns: (transfer full): the compiled expression, or %NULL when Go
 *   would refuse it or it uses syntax that is not reproduced
 */
DockyardGoRegex *
dockyard_go_regex_new (const char  *expression,
                       GError     **error)
{
  g_autoptr(GArray) runes = g_array_new (FALSE, FALSE, sizeof (gunichar));
  g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func (char_class_free);
  g_autoptr(Node) root = NULL;
  const char *p = expression;
  const char *end = expression + strlen (expression);
  DockyardGoRegex *regex;
  Parser parser = { 0 };

  while (p < end)
    {
      gunichar c = next_rune (&p, end);

      g_array_append_val (runes, c);
    }

  parser.runes = (const gunichar *) runes->data;
  parser.n = runes->len;
  parser.classes = classes;
  if ((root = parse_concat (&parser, 0, error)) == NULL)
    return NULL;

  regex = g_new0 (DockyardGoRegex, 1);
  regex->classes = g_steal_pointer (&classes);
  regex->program = g_array_new (FALSE, FALSE, sizeof (Inst));
  compile_node (root, regex->program);
  emit (regex->program, OP_MATCH, 0, 0);

  return regex;
}

void
dockyard_go_regex_free (DockyardGoRegex *regex)
{
  if (regex == NULL)
    return;

  g_ptr_array_unref (regex->classes);
  g_array_unref (regex->program);
  g_free (regex);
}

typedef struct
{
  guint *pcs;
  guint  len;
} ThreadList;

/* Adds pc and what it reaches without reading a character; returns
 * whether that reaches the end of the program. */
static gboolean
add_thread (const DockyardGoRegex *regex,
            ThreadList            *list,
            guint                 *marks,
            guint                  generation,
            GArray                *stack,
            guint                  pc,
            gboolean               at_begin,
            gboolean               at_end)
{
  gboolean matched = FALSE;

  g_array_set_size (stack, 0);
  g_array_append_val (stack, pc);

  while (stack->len > 0)
    {
      const Inst *inst;

      pc = g_array_index (stack, guint, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      if (marks[pc] == generation)
        continue;
      marks[pc] = generation;
      inst = &g_array_index (regex->program, Inst, pc);

      switch (inst->op)
        {
        case OP_CHAR:
          list->pcs[list->len++] = pc;
          break;
        case OP_MATCH:
          matched = TRUE;
          break;
        case OP_JMP:
          g_array_append_val (stack, inst->x);
          break;
        case OP_SPLIT:
          g_array_append_val (stack, inst->y);
          g_array_append_val (stack, inst->x);
          break;
        case OP_BEGIN:
          if (at_begin)
            {
              guint next = pc + 1;

              g_array_append_val (stack, next);
            }
          break;
        case OP_END:
          if (at_end)
            {
              guint next = pc + 1;

              g_array_append_val (stack, next);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return matched;
}

/**
 * dockyard_go_regex_match:
 * @regex: a compiled expression
 * @text: the text, not necessarily valid UTF-8
 * @length: its length in bytes
 *
 * Whether @regex matches somewhere in @text, as Go's `MatchString`; time
 * linear in @length times the size of @regex.
 *
 * Returns: %TRUE on a match
 */
gboolean
dockyard_go_regex_match (const DockyardGoRegex *regex,
                         const char            *text,
                         gsize                  length)
{
  guint n = regex->program->len;
  guint small[3][64];
  g_autofree guint *large = NULL;
  guint *marks = small[0];
  g_autoptr(GArray) stack = g_array_sized_new (FALSE, FALSE, sizeof (guint), 64);
  ThreadList clist = { small[1], 0 };
  ThreadList nlist = { small[2], 0 };
  const char *p = text;
  const char *end = text + length;
  guint generation = 1;

  if (n > G_N_ELEMENTS (small[0]))
    {
      large = g_new (guint, 3 * n);
      marks = large;
      clist.pcs = large + n;
      nlist.pcs = large + 2 * n;
    }
  memset (marks, 0, n * sizeof (guint));

  if (add_thread (regex, &clist, marks, generation, stack, 0, TRUE, p == end))
    return TRUE;

  while (p < end)
    {
      gunichar c = next_rune (&p, end);

      generation++;
      nlist.len = 0;
      for (guint i = 0; i < clist.len; i++)
        {
          const Inst *inst = &g_array_index (regex->program, Inst, clist.pcs[i]);

          if (class_matches (g_ptr_array_index (regex->classes, inst->x), c)
              && add_thread (regex, &nlist, marks, generation, stack, clist.pcs[i] + 1,
                             FALSE, p == end))
            return TRUE;
        }

      /* Unanchored: a match may also start here. */
      if (add_thread (regex, &nlist, marks, generation, stack, 0, FALSE, p == end))
        return TRUE;

      {
        ThreadList swap = clist;

        clist = nlist;
        nlist = swap;
      }
    }

  return FALSE;
}
