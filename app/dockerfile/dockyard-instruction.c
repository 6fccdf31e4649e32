/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile-private.h"

/* The instruction model: one instruction of a parsed Dockerfile, with where
 * each piece of its logical line came from in the text. */

G_DEFINE_BOXED_TYPE (DockyardInstruction, dockyard_instruction,
                     dockyard_instruction_ref, dockyard_instruction_unref)

void
_dockyard_mount_free (DockyardMount *mount)
{
  g_free (mount->type);
  g_free (mount->target);
  g_free (mount->source);
  g_free (mount->from);
  g_free (mount->id);
  g_free (mount->sharing);
  g_free (mount->mode);
  g_free (mount->uid);
  g_free (mount->gid);
  g_free (mount);
}

void
_dockyard_heredoc_free (DockyardHeredoc *heredoc)
{
  g_free (heredoc->name);
  g_free (heredoc->content);
  g_free (heredoc);
}

DockyardInstruction *
_dockyard_instruction_new (const char *line,
                           GArray     *segments)
{
  DockyardInstruction *self = g_new0 (DockyardInstruction, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->line = g_strdup (line);
  self->segments = g_array_ref (segments);
  self->flag_offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->arg_offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) _dockyard_mount_free);
  self->heredocs = g_ptr_array_new_with_free_func ((GDestroyNotify) _dockyard_heredoc_free);

  return self;
}

DockyardInstruction *
dockyard_instruction_ref (DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dockyard_instruction_unref (DockyardInstruction *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->keyword);
  g_free (self->raw_keyword);
  g_free (self->line);
  g_array_unref (self->segments);
  g_strfreev (self->flags);
  g_array_unref (self->flag_offsets);
  g_strfreev (self->args);
  g_array_unref (self->arg_offsets);
  g_clear_pointer (&self->subcommand, dockyard_instruction_unref);
  g_ptr_array_unref (self->mounts);
  g_ptr_array_unref (self->heredocs);
  g_free (self);
}

/**
 * dockyard_instruction_get_keyword:
 *
 * Returns: the instruction keyword in upper case ("RUN", "FROM", ...)
 */
const char *
dockyard_instruction_get_keyword (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->keyword;
}

/**
 * dockyard_instruction_get_logical_line:
 *
 * Returns: the instruction as BuildKit sees it: continuation lines joined,
 *   escape characters of line ends and comment lines removed.  For an
 *   ONBUILD subcommand this is the line of the ONBUILD instruction.
 */
const char *
dockyard_instruction_get_logical_line (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->line;
}

/**
 * dockyard_instruction_get_flags:
 *
 * Returns: (transfer none): the flags, e.g. "--mount=type=cache,target=/x",
 *   with quotes and escapes processed
 */
const char * const *
dockyard_instruction_get_flags (const DockyardInstruction *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);

  return self->flags != NULL ? (const char * const *) self->flags : empty;
}

/**
 * dockyard_instruction_get_flag_value:
 * @name: the flag name without dashes, e.g. "from"
 *
 * Returns: (nullable): the value of the last `--NAME=VALUE` flag, "" for a
 *   bare `--NAME`, %NULL if absent
 */
const char *
dockyard_instruction_get_flag_value (const DockyardInstruction *self,
                                     const char                *name)
{
  const char *found = NULL;
  gsize name_len;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  name_len = strlen (name);
  for (guint i = 0; self->flags != NULL && self->flags[i] != NULL; i++)
    {
      const char *flag = self->flags[i];

      if (!g_str_has_prefix (flag, "--") || strncmp (flag + 2, name, name_len) != 0)
        continue;
      if (flag[2 + name_len] == '=')
        found = flag + 2 + name_len + 1;
      else if (flag[2 + name_len] == '\0')
        found = "";
    }

  return found;
}

/**
 * dockyard_instruction_get_args:
 *
 * Returns: (transfer none): the arguments as in BuildKit's parse tree (for
 *   the shell form of RUN/CMD/ENTRYPOINT a single string, for the exec form
 *   the array items, for ENV/LABEL key/value/separator triples)
 */
const char * const *
dockyard_instruction_get_args (const DockyardInstruction *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);

  return self->args != NULL ? (const char * const *) self->args : empty;
}

guint
dockyard_instruction_get_n_args (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->args != NULL ? g_strv_length (self->args) : 0;
}

/**
 * dockyard_instruction_get_arg_offset:
 * @offset: (out): where the argument starts in the logical line
 *
 * Returns: %FALSE when the argument has no single place in the line
 *   (e.g. the separator of an ENV triple)
 */
gboolean
dockyard_instruction_get_arg_offset (const DockyardInstruction *self,
                                     guint                      index,
                                     gsize                     *offset)
{
  gsize value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (offset != NULL, FALSE);

  if (index >= self->arg_offsets->len)
    return FALSE;

  value = g_array_index (self->arg_offsets, gsize, index);
  if (value == G_MAXSIZE)
    return FALSE;

  *offset = value;
  return TRUE;
}

gboolean
dockyard_instruction_is_json (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->json;
}

/**
 * dockyard_instruction_get_subcommand:
 *
 * Returns: (transfer none) (nullable): the instruction inside an ONBUILD
 */
DockyardInstruction *
dockyard_instruction_get_subcommand (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->subcommand;
}

guint
dockyard_instruction_get_n_mounts (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->mounts->len;
}

const DockyardMount *
dockyard_instruction_get_mount (const DockyardInstruction *self,
                                guint                      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->mounts->len, NULL);

  return g_ptr_array_index (self->mounts, index);
}

guint
dockyard_instruction_get_n_heredocs (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->heredocs->len;
}

const DockyardHeredoc *
dockyard_instruction_get_heredoc (const DockyardInstruction *self,
                                  guint                      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->heredocs->len, NULL);

  return g_ptr_array_index (self->heredocs, index);
}

/**
 * dockyard_instruction_get_range:
 *
 * Returns: the text of the instruction: from its keyword (for ONBUILD
 *   subcommands: the ONBUILD keyword) to the end of its last line, here-doc
 *   bodies included, line end excluded
 */
const DockyardSourceRange *
dockyard_instruction_get_range (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->range;
}

/**
 * dockyard_instruction_map_offset:
 * @logical_offset: an offset in dockyard_instruction_get_logical_line()
 * @source_offset: (out): the same place in the text
 *
 * Returns: %FALSE if @logical_offset is past the line
 */
gboolean
dockyard_instruction_map_offset (const DockyardInstruction *self,
                                 gsize                      logical_offset,
                                 gsize                     *source_offset)
{
  const DockyardSegment *last = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (source_offset != NULL, FALSE);

  for (guint i = 0; i < self->segments->len; i++)
    {
      const DockyardSegment *seg = &g_array_index (self->segments, DockyardSegment, i);

      if (logical_offset >= seg->logical && logical_offset < seg->logical + seg->length)
        {
          *source_offset = seg->source + (logical_offset - seg->logical);
          return TRUE;
        }
      if (seg->length > 0 || last == NULL)
        last = seg;
    }

  /* The end of the line maps to the end of its last piece. */
  if (last != NULL && logical_offset == last->logical + last->length)
    {
      *source_offset = last->source + last->length;
      return TRUE;
    }

  return FALSE;
}

/**
 * dockyard_instruction_get_keyword_end:
 *
 * Returns: the offset in the text just after the keyword, where new flags
 *   can be inserted
 */
gsize
dockyard_instruction_get_keyword_end (const DockyardInstruction *self)
{
  gsize offset = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (!dockyard_instruction_map_offset (self, self->keyword_end, &offset))
    offset = self->range.start.offset;

  return offset;
}

void
_dockyard_instruction_dump (const DockyardInstruction *self,
                            GString                   *out)
{
  g_autofree char *lower = g_utf8_strdown (self->raw_keyword, -1);

  g_string_append (out, lower);

  if (self->flags != NULL && self->flags[0] != NULL)
    {
      g_string_append (out, " [");
      for (guint i = 0; self->flags[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          _dockyard_go_quote (out, self->flags[i]);
        }
      g_string_append_c (out, ']');
    }

  if (self->subcommand != NULL)
    {
      g_string_append (out, " (");
      _dockyard_instruction_dump (self->subcommand, out);
      g_string_append_c (out, ')');
    }

  for (guint i = 0; self->args != NULL && self->args[i] != NULL; i++)
    {
      g_string_append_c (out, ' ');
      _dockyard_go_quote (out, self->args[i]);
    }
}

/**
 * dockyard_instruction_dump:
 *
 * Returns: (transfer full): the instruction in BuildKit's parse tree dump
 *   format, without the surrounding parentheses
 */
char *
dockyard_instruction_dump (const DockyardInstruction *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  _dockyard_instruction_dump (self, out);

  return g_string_free (out, FALSE);
}

static void
set_str (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* The --mount flags of @ins as DockyardMounts (BuildKit's CSV syntax). */
void
_dockyard_instruction_parse_mounts (DockyardInstruction *ins)
{
  for (guint i = 0; ins->flags != NULL && ins->flags[i] != NULL; i++)
    {
      const char *flag = ins->flags[i];
      g_autoptr(GString) field = g_string_new (NULL);
      DockyardMount *mount;
      gsize start = g_array_index (ins->flag_offsets, gsize, 2 * i);
      gsize end = g_array_index (ins->flag_offsets, gsize, 2 * i + 1);
      gsize src_start = 0, src_end = 0;
      const char *p;
      gboolean in_quotes = FALSE;

      if (!g_str_has_prefix (flag, "--mount="))
        continue;

      mount = g_new0 (DockyardMount, 1);
      if (dockyard_instruction_map_offset (ins, start, &src_start) &&
          dockyard_instruction_map_offset (ins, end, &src_end) && src_end >= src_start)
        {
          mount->offset = src_start;
          mount->length = src_end - src_start;
        }

      /* The value is a CSV record of key=value fields. */
      p = flag + strlen ("--mount=");
      for (;;)
        {
          if (*p == '"')
            {
              if (in_quotes && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                  continue;
                }
              in_quotes = !in_quotes;
              p++;
              continue;
            }
          if (*p != '\0' && (*p != ',' || in_quotes))
            {
              g_string_append_c (field, *p);
              p++;
              continue;
            }

          if (field->len > 0)
            {
              g_autofree char *key = NULL;
              const char *eq = strchr (field->str, '=');
              const char *value = eq != NULL ? eq + 1 : NULL;

              key = g_ascii_strdown (field->str, eq != NULL ? eq - field->str : -1);
              if (g_str_equal (key, "type"))
                set_str (&mount->type, value);
              else if (g_str_equal (key, "target") || g_str_equal (key, "dst") ||
                       g_str_equal (key, "destination"))
                set_str (&mount->target, value);
              else if (g_str_equal (key, "source") || g_str_equal (key, "src"))
                set_str (&mount->source, value);
              else if (g_str_equal (key, "from"))
                set_str (&mount->from, value);
              else if (g_str_equal (key, "id"))
                set_str (&mount->id, value);
              else if (g_str_equal (key, "sharing"))
                set_str (&mount->sharing, value);
              else if (g_str_equal (key, "mode"))
                set_str (&mount->mode, value);
              else if (g_str_equal (key, "uid"))
                set_str (&mount->uid, value);
              else if (g_str_equal (key, "gid"))
                set_str (&mount->gid, value);
              else if (g_str_equal (key, "ro") || g_str_equal (key, "readonly"))
                mount->readonly = value == NULL || g_ascii_strcasecmp (value, "false") != 0;
              else if (g_str_equal (key, "rw") || g_str_equal (key, "readwrite"))
                mount->readonly = value != NULL && g_ascii_strcasecmp (value, "false") == 0;
            }
          g_string_truncate (field, 0);

          if (*p == '\0')
            break;
          p++;
        }

      if (mount->type == NULL)
        mount->type = g_strdup ("bind");
      g_ptr_array_add (ins->mounts, mount);
    }
}

