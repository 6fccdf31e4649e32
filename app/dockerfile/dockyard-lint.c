/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerfile-private.h"
#include "dockyard-image-ref.h"
#include "dockyard-lint-private.h"
#include "dockyard-requirements.h"
#include "dockyard-text-edit.h"

/* The rules behind Dockyard's promise: every version pinned (base image,
 * system and language packages) and every package install cached by a
 * BuildKit cache mount, so that a rebuild takes packages from the local
 * cache instead of the network. */

/* ---------------------------------------------------------------------- */
/* Lint state                                                              */

typedef struct
{
  char      *dest;        /* absolute, no trailing slash */
  gboolean   dest_is_dir;
  char     **sources;
} Copy;

static void
copy_free (Copy *copy)
{
  g_free (copy->dest);
  g_strfreev (copy->sources);
  g_free (copy);
}

gsize
_dockyard_lint_script_offset (const DockyardLintScript *script,
                              gsize                     offset)
{
  gsize source;

  if (!script->exact)
    return script->fallback;
  if (script->in_heredoc)
    return script->source_base + offset;
  if (dockyard_instruction_map_offset (script->ins, script->logical_base + offset, &source))
    return source;
  return script->fallback;
}

DockyardFinding *
_dockyard_lint_add_finding (DockyardLint     *lint,
                            const char       *rule,
                            DockyardSeverity  severity,
                            gsize             offset,
                            const char       *message)
{
  DockyardSourcePosition pos;
  DockyardFinding *finding;
  g_autofree char *key = g_strdup_printf ("%s:%" G_GSIZE_FORMAT, rule, offset);

  /* ONBUILD and a repeated word must not report the same place twice. */
  if (!g_hash_table_add (lint->reported, g_steal_pointer (&key)))
    return NULL;

  dockyard_dockerfile_get_position (lint->df, offset, &pos);
  finding = dockyard_finding_new (rule, severity, message, NULL, pos.line, pos.column, offset);
  g_ptr_array_add (lint->findings, finding);

  return finding;
}

static char *
normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  g_autofree char *joined = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (out->len > 0)
            g_ptr_array_set_size (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  joined = g_strjoinv ("/", (char **) out->pdata);

  return g_strconcat ("/", joined, NULL);
}

static char *
resolve_in_image (DockyardLint *lint,
                  const char   *path)
{
  g_autofree char *joined = NULL;

  if (path[0] == '/')
    return normalize_path (path);
  joined = g_strconcat (lint->workdir, "/", path, NULL);
  return normalize_path (joined);
}

static char *
strip_quotes (const char *value)
{
  gsize len = strlen (value);

  if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0])
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

static gboolean
has_cache_mount (DockyardInstruction *ins,
                 const char          *target)
{
  g_autofree char *wanted = normalize_path (target);

  for (guint i = 0; i < dockyard_instruction_get_n_mounts (ins); i++)
    {
      const DockyardMount *m = dockyard_instruction_get_mount (ins, i);
      g_autofree char *t = NULL;

      if (g_strcmp0 (m->type, "cache") != 0 || m->target == NULL)
        continue;
      t = normalize_path (m->target);
      if (g_str_equal (t, wanted))
        return TRUE;
    }

  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* requirement-unpinned: the requirements files a RUN installs             */

static char *
context_path_for (DockyardLint *lint,
                  const char   *file)
{
  g_autofree char *in_image = resolve_in_image (lint, file);

  for (guint i = lint->copies->len; i > 0; i--)
    {
      Copy *copy = g_ptr_array_index (lint->copies, i - 1);

      for (guint s = 0; copy->sources[s] != NULL; s++)
        {
          g_autofree char *src = normalize_path (copy->sources[s]);
          const char *rel = src + 1;   /* relative to the context */
          g_autoptr(GFile) src_file = NULL;
          gboolean is_dir = FALSE;
          g_autofree char *target = NULL;

          if (lint->context != NULL)
            {
              src_file = *rel != '\0' ? g_file_resolve_relative_path (lint->context, rel)
                                      : g_object_ref (lint->context);
              is_dir = g_file_query_file_type (src_file, G_FILE_QUERY_INFO_NONE, NULL) ==
                       G_FILE_TYPE_DIRECTORY;
            }

          if (is_dir)
            {
              /* COPY dir dest copies what is inside dir into dest. */
              gsize dest_len = strlen (copy->dest);

              if (g_str_equal (copy->dest, "/") && in_image[0] == '/')
                dest_len = 0;
              if (strncmp (in_image, copy->dest, dest_len) == 0 && in_image[dest_len] == '/')
                return *rel != '\0' ? g_strconcat (rel, in_image + dest_len, NULL)
                                    : g_strdup (in_image + dest_len + 1);
              continue;
            }

          if (strpbrk (rel, "*?[") != NULL)
            {
              g_autofree char *dir = g_path_get_dirname (in_image);
              g_autofree char *base = g_path_get_basename (in_image);
              g_autofree char *src_base = g_path_get_basename (rel);
              g_autofree char *src_dir = g_path_get_dirname (rel);

              if (copy->dest_is_dir && g_str_equal (dir, copy->dest) &&
                  g_pattern_match_simple (src_base, base))
                return g_str_equal (src_dir, ".") ? g_strdup (base)
                                                  : g_build_filename (src_dir, base, NULL);
              continue;
            }

          if (copy->dest_is_dir)
            {
              g_autofree char *base = g_path_get_basename (rel);

              target = g_str_equal (copy->dest, "/") ? g_strconcat ("/", base, NULL)
                                                     : g_strconcat (copy->dest, "/", base, NULL);
            }
          else
            target = g_strdup (copy->dest);

          if (g_str_equal (target, in_image))
            return g_strdup (rel);
        }
    }

  /* Not copied in by a COPY we understand: the same path in the context. */
  if (file[0] != '/')
    {
      g_autofree char *normalized = normalize_path (file);

      return g_strdup (normalized + 1);
    }

  return NULL;
}

static void
add_requirements_not_read (DockyardLint *lint,
                           const char   *file,
                           guint         line,
                           const char   *include,
                           const char   *reason)
{
  g_autofree char *message = NULL;
  g_autofree char *key = g_strdup_printf ("requirements-not-read:%s:%u:%s",
                                     file != NULL ? file : "", line, include);

  if (!g_hash_table_add (lint->reported, g_steal_pointer (&key)))
    return;

  /* Translators: the first %s is a file name, the second why it was not
   * read, e.g. "“/home/me/.pypirc” is outside the project folder" */
  message = g_strdup_printf (_("“%s” was not read, so its requirements are not checked: %s"),
                             include, reason);
  g_ptr_array_add (lint->findings,
                   dockyard_finding_new (DOCKYARD_RULE_REQUIREMENTS_NOT_READ, DOCKYARD_SEVERITY_WARNING,
                                         message, file, line, line > 0 ? 1 : 0, 0));
}

void
_dockyard_lint_check_requirements_file (DockyardLint *lint,
                                        const char   *file)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *unread;
  g_autofree char *rel = NULL;
  g_autoptr(GFile) gfile = NULL;
  g_autoptr(DockyardRequirements) reqs = NULL;

  if (lint->context == NULL)
    return;

  rel = context_path_for (lint, file);
  if (rel == NULL || *rel == '\0')
    return;

  gfile = g_file_resolve_relative_path (lint->context, rel);
  reqs = dockyard_requirements_load (lint->context, gfile, rel, lint->cancellable, &error);
  if (reqs == NULL)
    {
      /* Absent: pip's error at build time.  Anything else (outside the
       * project, not a regular file, too big) is said, since none of its
       * requirements are checked. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_requirements_not_read (lint, NULL, 0, rel, error->message);
      return;
    }

  unread = dockyard_requirements_get_unread (reqs);
  for (guint i = 0; i < unread->len; i++)
    {
      const DockyardRequirementsUnread *u = g_ptr_array_index (unread, i);

      add_requirements_not_read (lint, u->file, u->line, u->include, u->reason);
    }

  for (guint i = 0; i < dockyard_requirements_get_n_items (reqs); i++)
    {
      const DockyardRequirement *req = dockyard_requirements_get_item (reqs, i);
      g_autofree char *key = NULL;
      g_autofree char *message = NULL;
      g_autofree char *what = NULL;
      DockyardFinding *finding;

      if (req->name == NULL || req->url != NULL || req->editable || req->constraint ||
          dockyard_requirements_is_satisfied_pinned (reqs, req))
        continue;

      key = g_strdup_printf ("requirement:%s:%u", req->file, req->line);
      if (!g_hash_table_add (lint->reported, g_steal_pointer (&key)))
        continue;

      what = req->specifier != NULL ? g_strdup_printf ("%s%s", req->name, req->specifier)
                                    : g_strdup (req->name);
      message = g_strdup_printf (_("requirement “%s” is not pinned to one version; use %s==VERSION"),
                                 what, req->name);
      finding = dockyard_finding_new (DOCKYARD_RULE_REQUIREMENT_UNPINNED, DOCKYARD_SEVERITY_WARNING,
                                      message, req->file, req->line, req->column, 0);
      g_ptr_array_add (lint->findings, finding);
    }
}

/* ---------------------------------------------------------------------- */
/* Instructions                                                            */

static void
insert_mount_fix (GPtrArray           *edits,
                  DockyardInstruction *ins,
                  const char          *mount)
{
  g_autofree char *text = g_strdup_printf (" --mount=%s", mount);

  g_ptr_array_add (edits, dockyard_text_edit_new (dockyard_instruction_get_keyword_end (ins), 0, text));
}

static gboolean
is_shell_program (const char *program)
{
  return g_str_equal (program, "sh") || g_str_equal (program, "bash") ||
         g_str_equal (program, "ash") || g_str_equal (program, "dash");
}

/* RUN ["prog", "arg", ...]: one command; ["sh", "-c", "script"]: a script. */
static void
read_exec_form (DockyardLint        *lint,
                DockyardInstruction *ins,
                DockyardLintScript  *script,
                DockyardRunFacts    *facts)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n_args = dockyard_instruction_get_n_args (ins);
  g_autoptr(GPtrArray) cmd = _dockyard_shell_command_new ();
  gsize offset;

  if (n_args >= 3 && g_str_equal (args[1], "-c") && is_shell_program (_dockyard_shell_base_name (args[0])))
    {
      /* The script is a decoded JSON string: point at its start. */
      script->exact = FALSE;
      if (dockyard_instruction_get_arg_offset (ins, 2, &offset))
        dockyard_instruction_map_offset (ins, offset, &script->fallback);
      _dockyard_lint_check_script (lint, script, args[2], strlen (args[2]), facts);
      return;
    }

  for (guint i = 0; i < n_args; i++)
    {
      DockyardShellWord *w = g_new0 (DockyardShellWord, 1);

      w->text = g_strdup (args[i]);
      if (dockyard_instruction_get_arg_offset (ins, i, &offset))
        w->start = offset + 1;
      w->end = w->start + strlen (args[i]);
      g_ptr_array_add (cmd, w);
    }
  _dockyard_lint_check_command (lint, script, cmd, facts);
}

/* RUN script, and the heredocs it runs as scripts. */
static void
read_shell_form (DockyardLint        *lint,
                 DockyardInstruction *ins,
                 DockyardLintScript  *script,
                 DockyardRunFacts    *facts)
{
  const char *line = dockyard_instruction_get_args (ins)[0];
  gsize offset = 0;
  g_autoptr(GPtrArray) commands = NULL;
  gboolean script_is_heredoc;

  dockyard_instruction_get_arg_offset (ins, 0, &offset);
  script->logical_base = offset;
  _dockyard_lint_check_script (lint, script, line, strlen (line), facts);

  /* RUN <<EOF (or RUN bash <<EOF) runs the heredoc as a shell script. */
  commands = _dockyard_shell_commands (line, strlen (line));
  if (commands->len == 0)
    script_is_heredoc = TRUE;
  else
    {
      GPtrArray *first = g_ptr_array_index (commands, 0);

      script_is_heredoc = is_shell_program (_dockyard_shell_base_name (((DockyardShellWord *) g_ptr_array_index (first, 0))->text));
    }
  if (g_str_has_prefix (line, "<<"))
    script_is_heredoc = TRUE;

  for (guint h = 0; script_is_heredoc && h < dockyard_instruction_get_n_heredocs (ins); h++)
    {
      const DockyardHeredoc *heredoc = dockyard_instruction_get_heredoc (ins, h);
      DockyardLintScript hs = { ins, 0, heredoc->content_offset, TRUE, TRUE, script->fallback };

      _dockyard_lint_check_script (lint, &hs, heredoc->content, strlen (heredoc->content), facts);
    }
}

/* pip and npm keep their download cache in the user's home, or where an
 * environment variable says. */
typedef struct
{
  const char *env_name;
  const char *home_dir;  /* in the home */
  const char *rule;
  const char *message;   /* %s: the cache folder */
  const char *defeated_rule;
} UserCache;

static const UserCache pip_cache = {
  "PIP_CACHE_DIR", "/.cache/pip", DOCKYARD_RULE_PIP_CACHE_MOUNT,
  N_("pip install without a cache mount on %s: every rebuild downloads all packages again"),
  DOCKYARD_RULE_PIP_CACHE_DEFEATED,
};

static const UserCache npm_cache = {
  "npm_config_cache", "/.npm", DOCKYARD_RULE_NPM_CACHE_MOUNT,
  N_("npm install without a cache mount on %s: every rebuild downloads all packages again"),
  DOCKYARD_RULE_NPM_CACHE_DEFEATED,
};

/* The format is one of the literals above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *
user_cache_message (const UserCache *cache,
                    const char      *folder)
{
  return g_strdup_printf (_(cache->message), folder);
}
#pragma GCC diagnostic pop

/* Removes the words at the @flags ranges (gsize pairs), with the blank
 * before each. */
static void
remove_flags (DockyardLint *lint,
              GArray       *flags,
              GPtrArray    *edits)
{
  const char *text = dockyard_dockerfile_get_text (lint->df, NULL);

  for (guint i = 0; flags != NULL && i < flags->len; i += 2)
    {
      gsize start = g_array_index (flags, gsize, i);
      gsize end = g_array_index (flags, gsize, i + 1);

      if (end <= start)
        continue;
      if (start > 0 && text[start - 1] == '"' && text[end] == '"')
        {
          /* An exec form element: the element goes, with one comma. */
          gsize before = start - 1;
          gsize after = end + 1;

          while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t'))
            before--;
          if (before > 0 && text[before - 1] == ',')
            {
              start = before - 1;
              end = after;
            }
          else
            {
              while (text[after] == ' ' || text[after] == '\t')
                after++;
              if (text[after] == ',')
                after++;
              while (text[after] == ' ' || text[after] == '\t')
                after++;
              start--;
              end = after;
            }
        }
      else if (start > 0 && (text[start - 1] == ' ' || text[start - 1] == '\t'))
        start--;
      else if (text[end] == ' ' || text[end] == '\t')
        end++;
      g_ptr_array_add (edits, dockyard_text_edit_new (start, end - start, ""));
    }
}

/* A variable that turns pip's cache off: PIP_NO_CACHE_DIR=1 (pip reads
 * any value but a false one as "off"). */
static gboolean
env_turns_off (const char *value)
{
  g_autofree char *lower = value != NULL ? g_ascii_strdown (value, -1) : NULL;

  return lower != NULL && !g_str_equal (lower, "0") && !g_str_equal (lower, "false") &&
         !g_str_equal (lower, "no") && !g_str_equal (lower, "off");
}

/* Why the user is not known, for the messages: "" when it is. */
static char *
user_unknown_note (DockyardLint *lint)
{
  if (lint->user_unknown_var == NULL)
    return g_strdup ("");
  /* Translators: the first %s is the USER value as written, the second a
   * variable name; this follows a finding's message */
  return g_strdup_printf (_(" (USER %s: %s has no value in this Dockerfile, so the user is not known here; it may come from the base image or a build argument)"),
                          lint->user_raw, lint->user_unknown_var);
}

/* A cache mount for a user that is not root: in the user's cache folder,
 * owned by the user (BuildKit makes cache mounts root-owned, 0755). */
static char *
user_mount (DockyardLint *lint,
            const char   *target,
            const char   *extra)
{
  GString *mount = g_string_new ("type=cache,target=");

  g_string_append (mount, target);
  if (!_dockyard_lint_user_is_root (lint))
    {
      g_string_append_printf (mount, ",uid=%s", lint->user_uid);
      if (lint->user_gid != NULL)
        g_string_append_printf (mount, ",gid=%s", lint->user_gid);
    }
  if (extra != NULL)
    g_string_append (mount, extra);
  return g_string_free (mount, FALSE);
}

/* Keeps the options of a mount other than type, target, uid and gid;
 * %NULL when the flag is not plain enough to rewrite. */
static char *
mount_other_options (DockyardLint        *lint,
                     const DockyardMount *m)
{
  const char *text = dockyard_dockerfile_get_text (lint->df, NULL);
  g_autofree char *flag = g_strndup (text + m->offset, m->length);
  const char *value = strchr (flag, '=');
  g_auto(GStrv) fields = NULL;
  GString *out = g_string_new (NULL);

  /* quoted or with variables: not rewritten */
  if (value == NULL || strpbrk (flag, "\"'\\$\n") != NULL)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  fields = g_strsplit (value + 1, ",", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      g_autofree char *key = g_ascii_strdown (fields[i], strcspn (fields[i], "="));

      if (g_str_equal (key, "type") || g_str_equal (key, "target") || g_str_equal (key, "dst") ||
          g_str_equal (key, "destination") || g_str_equal (key, "uid") || g_str_equal (key, "gid") ||
          *fields[i] == '\0')
        continue;
      g_string_append_printf (out, ",%s", fields[i]);
    }
  return g_string_free (out, FALSE);
}

/* Reports a RUN that installs with pip or npm without a working cache
 * mount on the tool's cache.  @off_flags: where the RUN turns the cache
 * off. */
static void
check_user_cache (DockyardLint        *lint,
                  DockyardInstruction *ins,
                  const UserCache     *cache,
                  gsize                keyword_offset,
                  GArray              *off_flags,
                  GArray              *off_env,
                  const char          *cache_option)
{
  g_autofree char *home = _dockyard_lint_user_home (lint);
  const char *cache_dir = g_hash_table_lookup (lint->env, cache->env_name);
  g_autofree char *target = cache_option != NULL ? resolve_in_image (lint, cache_option)
                          : cache_dir != NULL ? resolve_in_image (lint, cache_dir)
                          : home != NULL ? g_strconcat (home, cache->home_dir, NULL)
                          : NULL;
  g_autofree char *anywhere = g_strconcat ("$HOME", cache->home_dir, NULL);
  g_autofree char *message = NULL;
  g_autofree char *note = user_unknown_note (lint);
  g_autoptr(GPtrArray) edits = NULL;
  const DockyardMount *misplaced = NULL;
  const DockyardMount *found = NULL;
  gboolean can_fix;
  DockyardFinding *finding;

  /* npm install --cache DIR beside a mount on the usual place */
  if (cache_option != NULL)
    {
      g_autofree char *usual = cache_dir != NULL ? g_strdup (cache_dir)
                             : home != NULL ? g_strconcat (home, cache->home_dir, NULL) : NULL;
      g_autofree char *wanted = normalize_path (cache_option);

      if (usual != NULL && !g_str_equal (usual, wanted) && has_cache_mount (ins, usual) &&
          !has_cache_mount (ins, wanted))
        {
          message = g_strdup_printf (_("--cache %s sends npm's cache past the cache mount on %s, which stays empty; drop the option"),
                                     cache_option, usual);
          finding = _dockyard_lint_add_finding (lint, cache->defeated_rule, DOCKYARD_SEVERITY_WARNING,
                                                keyword_offset, message);
          if (finding != NULL && off_flags != NULL && off_flags->len > 0)
            {
              edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
              remove_flags (lint, off_flags, edits);
              dockyard_finding_set_fix (finding, edits);
            }
          return;
        }
      off_flags = NULL;
    }

  /* PIP_CACHE_DIR or npm_config_cache beside a mount on the usual place:
   * the fix moves the mount to where the variable points */
  if (cache_option == NULL && cache_dir != NULL && home != NULL && target != NULL)
    {
      g_autofree char *usual = g_strconcat (home, cache->home_dir, NULL);

      if (!g_str_equal (usual, target) && has_cache_mount (ins, usual) && !has_cache_mount (ins, target))
        {
          const DockyardMount *m = NULL;

          for (guint i = 0; i < dockyard_instruction_get_n_mounts (ins) && m == NULL; i++)
            {
              const DockyardMount *candidate = dockyard_instruction_get_mount (ins, i);
              g_autofree char *t = candidate->target != NULL ? normalize_path (candidate->target) : NULL;

              if (g_strcmp0 (candidate->type, "cache") == 0 && g_strcmp0 (t, usual) == 0)
                m = candidate;
            }
          /* Translators: the first %s is a variable, the second its value */
          message = g_strdup_printf (_("%s=%s sends the cache past the cache mount on %s, which stays empty; mount %s instead"),
                                     cache->env_name, cache_dir, usual, target);
          finding = _dockyard_lint_add_finding (lint, cache->defeated_rule, DOCKYARD_SEVERITY_WARNING,
                                                keyword_offset, message);
          if (finding != NULL && m != NULL && (_dockyard_lint_user_is_root (lint) || lint->user_uid != NULL))
            {
              g_autofree char *others = mount_other_options (lint, m);
              g_autofree char *mount = user_mount (lint, target, others);
              g_autofree char *flag = g_strdup_printf ("--mount=%s", mount);

              if (others == NULL)
                return;
              edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
              g_ptr_array_add (edits, dockyard_text_edit_new (m->offset, m->length, flag));
              dockyard_finding_set_fix (finding, edits);
            }
          return;
        }
    }

  /* Where is the cache mount, if there is one? */
  for (guint i = 0; i < dockyard_instruction_get_n_mounts (ins); i++)
    {
      const DockyardMount *m = dockyard_instruction_get_mount (ins, i);
      g_autofree char *t = NULL;

      if (g_strcmp0 (m->type, "cache") != 0 || m->target == NULL)
        continue;
      t = normalize_path (m->target);
      if (target != NULL && g_str_equal (t, target))
        found = m;
      else if (target == NULL && g_str_has_suffix (t, cache->home_dir) &&
               (_dockyard_lint_user_is_root (lint) || !g_str_has_prefix (t, "/root/")))
        found = m;
      else if (g_str_has_suffix (t, cache->home_dir) || (cache_dir != NULL && g_str_equal (t, cache_dir)))
        misplaced = m;
    }

  /* A fix for another user needs its uid and its home. */
  can_fix = target != NULL && (_dockyard_lint_user_is_root (lint) || (lint->user_uid != NULL && (home != NULL || cache_dir != NULL)));

  if (found != NULL)
    {
      gboolean defeated = FALSE;
      g_autofree char *why = NULL;

      /* pip-cache-defeated: the mount is there, but the cache is off */
      if ((off_flags != NULL && off_flags->len > 0) || (off_env != NULL && off_env->len > 0))
        defeated = TRUE;
      if (cache == &pip_cache && env_turns_off (g_hash_table_lookup (lint->env, "PIP_NO_CACHE_DIR")))
        {
          defeated = TRUE;
          why = g_strdup (_("ENV PIP_NO_CACHE_DIR turns pip's cache off in this stage; set it to 0 for this RUN (PIP_NO_CACHE_DIR=0 pip install …) or remove it"));
        }
      if (defeated)
        {
          if (why == NULL)
            why = g_strdup_printf (_("%s turns the cache off, so the cache mount on %s stays empty; drop the option"),
                                   cache == &pip_cache ? "--no-cache-dir" : "--cache", found->target);
          finding = _dockyard_lint_add_finding (lint, cache->defeated_rule, DOCKYARD_SEVERITY_WARNING,
                                                keyword_offset, why);
          if (finding != NULL && ((off_flags != NULL && off_flags->len > 0) || (off_env != NULL && off_env->len > 0)))
            {
              edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
              remove_flags (lint, off_flags, edits);
              remove_flags (lint, off_env, edits);
              dockyard_finding_set_fix (finding, edits);
            }
          return;
        }

      /* cache-mount-user: right place, but root's */
      if (!_dockyard_lint_user_is_root (lint) && found->uid == NULL)
        {
          message = g_strdup_printf (_("the cache mount on %s belongs to root, so %s cannot write to it and the cache stays empty; add uid= (and gid=) for the user%s"),
                                     found->target, lint->user, note);
          finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_CACHE_MOUNT_USER, DOCKYARD_SEVERITY_WARNING,
                                                keyword_offset, message);
          if (finding != NULL && lint->user_uid != NULL)
            {
              g_autofree char *others = mount_other_options (lint, found);
              g_autofree char *mount = user_mount (lint, found->target, others);
              g_autofree char *flag = g_strdup_printf ("--mount=%s", mount);

              if (others == NULL)
                return;
              edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
              g_ptr_array_add (edits, dockyard_text_edit_new (found->offset, found->length, flag));
              dockyard_finding_set_fix (finding, edits);
            }
        }
      return;
    }

  if (misplaced != NULL && !_dockyard_lint_user_is_root (lint))
    {
      /* cache-mount-user: a mount at /root/.cache/pip under USER jovyan */
      message = g_strdup_printf (_("the cache mount on %s is never used: the RUN runs as %s, whose cache is %s%s"),
                                 misplaced->target, lint->user, target != NULL ? target : anywhere, note);
      finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_CACHE_MOUNT_USER, DOCKYARD_SEVERITY_WARNING,
                                            keyword_offset, message);
      if (finding != NULL && can_fix)
        {
          g_autofree char *others = mount_other_options (lint, misplaced);
          g_autofree char *mount = user_mount (lint, target, others);
          g_autofree char *flag = g_strdup_printf ("--mount=%s", mount);

          if (others == NULL)
            return;
          edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
          g_ptr_array_add (edits, dockyard_text_edit_new (misplaced->offset, misplaced->length, flag));
          /* the cache works now: --no-cache-dir would empty it */
          remove_flags (lint, off_flags, edits);
          dockyard_finding_set_fix (finding, edits);
        }
      return;
    }

  {
    g_autofree char *base = user_cache_message (cache, target != NULL ? target : anywhere);

    message = g_strconcat (base, note, NULL);
  }
  finding = _dockyard_lint_add_finding (lint, cache->rule, DOCKYARD_SEVERITY_WARNING,
                                        keyword_offset, message);

  /* A cache mount owned by root is useless to another user: only
   * fix what we can fix right. */
  if (finding == NULL || !can_fix)
    return;

  edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
  {
    g_autofree char *mount = user_mount (lint, target, NULL);

    insert_mount_fix (edits, ins, mount);
  }
  /* --no-cache-dir would keep the mount empty. */
  remove_flags (lint, off_flags, edits);
  remove_flags (lint, off_env, edits);
  dockyard_finding_set_fix (finding, edits);
}

/* Debian and Ubuntu images delete downloaded packages unless told
 * otherwise; the step goes before the first RUN that needs it (the same
 * edit for every such RUN of the stage). */
static void
add_apt_keep_cache_step (DockyardLint        *lint,
                         DockyardInstruction *ins,
                         gboolean             onbuild,
                         gsize                keyword_offset,
                         GPtrArray           *edits)
{
  const char *text = dockyard_dockerfile_get_text (lint->df, NULL);
  const char *nl;
  const char *eol;
  g_autofree char *step = NULL;

  if (lint->apt_keep_cache ||
      strstr (dockyard_instruction_get_logical_line (ins), "docker-clean") != NULL)
    return;

  if (lint->apt_keep_prefix == NULL)
    {
      gsize line_start = keyword_offset;

      while (line_start > 0 && text[line_start - 1] != '\n')
        line_start--;
      lint->apt_keep_offset = line_start;
      lint->apt_keep_prefix = g_strndup (text + line_start, keyword_offset - line_start);
      if (strspn (lint->apt_keep_prefix, " \t") != strlen (lint->apt_keep_prefix))
        g_clear_pointer (&lint->apt_keep_prefix, g_free);
    }
  if (lint->apt_keep_prefix == NULL)
    return;

  /* Keep the file's line ends. */
  nl = strchr (text + keyword_offset, '\n');
  eol = nl != NULL && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
  step = g_strdup_printf ("%s%sRUN " DOCKYARD_APT_KEEP_CACHE_COMMAND "%s",
                          lint->apt_keep_prefix, onbuild ? "ONBUILD " : "", eol);
  g_ptr_array_add (edits, dockyard_text_edit_new (lint->apt_keep_offset, 0, step));
}

static void
check_apt_cache (DockyardLint        *lint,
                 DockyardInstruction *ins,
                 gboolean             onbuild,
                 gsize                keyword_offset)
{
  gboolean has_cache = has_cache_mount (ins, "/var/cache/apt");
  gboolean has_lib = has_cache_mount (ins, "/var/lib/apt");
  DockyardFinding *finding;
  g_autoptr(GPtrArray) edits = NULL;

  if (has_cache && has_lib)
    {
      /* Without the keep-cache step, Debian's docker-clean empties the
       * mount after every install. */
      if (lint->apt_keep_cache || strstr (dockyard_instruction_get_logical_line (ins), "docker-clean") != NULL)
        return;
      finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_APT_CACHE_DEFEATED, DOCKYARD_SEVERITY_WARNING, keyword_offset,
                                            _("Debian and Ubuntu images delete downloaded packages after every install (/etc/apt/apt.conf.d/docker-clean), so the apt cache mount stays empty; remove docker-clean and keep downloaded packages in a step before"));
      if (finding == NULL)
        return;
      edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
      add_apt_keep_cache_step (lint, ins, onbuild, keyword_offset, edits);
      if (edits->len > 0)
        dockyard_finding_set_fix (finding, edits);
      return;
    }

  finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_APT_CACHE_MOUNT, DOCKYARD_SEVERITY_WARNING, keyword_offset,
                                        _("apt-get install without cache mounts on /var/cache/apt and /var/lib/apt: every rebuild downloads all packages again"));
  if (finding == NULL)
    return;

  edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
  if (!has_cache)
    insert_mount_fix (edits, ins, "type=cache,target=/var/cache/apt,sharing=locked");
  if (!has_lib)
    insert_mount_fix (edits, ins, "type=cache,target=/var/lib/apt,sharing=locked");
  add_apt_keep_cache_step (lint, ins, onbuild, keyword_offset, edits);
  dockyard_finding_set_fix (finding, edits);
}

/* pip caches nothing it downloads from a plain-http index, unless the
 * host is trusted (measured: the cache mount then saves nothing). */
static void
check_pip_http_index (DockyardLint     *lint,
                      DockyardRunFacts *facts,
                      gsize             keyword_offset)
{
  const char *trusted_env = g_hash_table_lookup (lint->env, "PIP_TRUSTED_HOST");
  const char *index_env = g_hash_table_lookup (lint->env, "PIP_INDEX_URL");
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) trusted = g_ptr_array_new_with_free_func (g_free);

  if (index_env != NULL && g_str_has_prefix (index_env, "http://"))
    g_ptr_array_add (hosts, _dockyard_url_host (index_env));
  if (trusted_env != NULL)
    {
      g_auto(GStrv) list = g_strsplit (trusted_env, " ", -1);

      for (guint i = 0; list[i] != NULL; i++)
        if (*list[i] != '\0')
          g_ptr_array_add (trusted, g_strdup (list[i]));
    }
  for (guint i = 0; i < facts->pip_http_hosts->len; i++)
    {
      const char *h = g_ptr_array_index (facts->pip_http_hosts, i);

      g_ptr_array_add (h[0] == '!' ? trusted : hosts, g_strdup (h[0] == '!' ? h + 1 : h));
    }

  for (guint i = 0; i < hosts->len; i++)
    {
      const char *host = g_ptr_array_index (hosts, i);
      g_autofree char *bare = g_strndup (host, strcspn (host, ":"));
      gboolean ok = FALSE;
      g_autofree char *message = NULL;
      DockyardFinding *finding;

      for (guint k = 0; k < trusted->len && !ok; k++)
        {
          const char *t = g_ptr_array_index (trusted, k);

          /* pip: a trusted host without a port trusts every port */
          ok = g_str_equal (t, host) || (strchr (t, ':') == NULL && g_str_equal (t, bare));
        }
      if (ok)
        continue;

      message = g_strdup_printf (_("pip caches nothing it downloads from the plain-http index on %s unless the host is trusted, so a cache mount saves nothing; add --trusted-host %s (or use https)"),
                                 host, host);
      finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_PIP_CACHE_INEFFECTIVE, DOCKYARD_SEVERITY_WARNING,
                                            keyword_offset, message);
      if (finding != NULL && facts->pip_insert_ok && facts->pip_insert >= 7 &&
          strncmp (dockyard_dockerfile_get_text (lint->df, NULL) + facts->pip_insert - 7, "install", 7) == 0 &&
          strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen (host))
        {
          g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
          g_autofree char *option = facts->pip_insert_json
                                    ? g_strdup_printf ("\", \"--trusted-host\", \"%s", host)
                                    : g_strdup_printf (" --trusted-host %s", host);

          g_ptr_array_add (edits, dockyard_text_edit_new (facts->pip_insert, 0, option));
          dockyard_finding_set_fix (finding, edits);
        }
    }
}

static void
check_externally_managed (DockyardLint        *lint,
                          DockyardInstruction *ins,
                          DockyardRunFacts    *facts,
                          gboolean             onbuild)
{
  DockyardFinding *finding;
  const char *text = dockyard_dockerfile_get_text (lint->df, NULL);
  gsize keyword_offset = dockyard_instruction_get_range (ins)->start.offset;
  gsize line_start = keyword_offset;
  g_autoptr(GPtrArray) edits = NULL;
  g_autofree char *step = NULL;
  const char *nl;

  if (!lint->externally_managed || !(lint->apt_pip || facts->apt_pip) || !facts->pip_system ||
      facts->pip_break_system || g_hash_table_contains (lint->env, "PIP_BREAK_SYSTEM_PACKAGES") ||
      g_hash_table_contains (lint->env, "VIRTUAL_ENV"))
    return;

  finding = _dockyard_lint_add_finding (lint, DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED, DOCKYARD_SEVERITY_ERROR,
                                        facts->pip_offset,
                                        _("pip installs into the Python of a Debian or Ubuntu base, which is externally managed (PEP 668): the build fails with “externally-managed-environment”; install into a venv (RUN python3 -m venv /opt/venv, ENV PATH=/opt/venv/bin:$PATH) or let pip change the system's Python (ENV PIP_BREAK_SYSTEM_PACKAGES=1)"));
  if (finding == NULL)
    return;

  /* The fix that changes the least: the variable, on a line of its own
   * before the RUN. */
  while (line_start > 0 && text[line_start - 1] != '\n')
    line_start--;
  if (strspn (text + line_start, " \t") != keyword_offset - line_start)
    return;
  nl = strchr (text + keyword_offset, '\n');
  step = g_strdup_printf ("%.*s%sENV PIP_BREAK_SYSTEM_PACKAGES=1%s", (int) (keyword_offset - line_start),
                          text + line_start, onbuild ? "ONBUILD " : "",
                          nl != NULL && nl > text && nl[-1] == '\r' ? "\r\n" : "\n");
  edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
  g_ptr_array_add (edits, dockyard_text_edit_new (line_start, 0, step));
  dockyard_finding_set_fix (finding, edits);
}

static void
check_run (DockyardLint        *lint,
           DockyardInstruction *ins,
           gboolean             onbuild)
{
  gsize keyword_offset = dockyard_instruction_get_range (ins)->start.offset;
  DockyardRunFacts facts = { 0 };
  DockyardLintScript script = { ins, 0, 0, FALSE, TRUE, keyword_offset };

  if (dockyard_instruction_get_n_args (ins) == 0)
    return;

  facts.no_cache_dir = g_array_new (FALSE, FALSE, sizeof (gsize));
  facts.no_cache_env = g_array_new (FALSE, FALSE, sizeof (gsize));
  facts.npm_cache_flags = g_array_new (FALSE, FALSE, sizeof (gsize));
  facts.pip_http_hosts = g_ptr_array_new_with_free_func (g_free);
  if (dockyard_instruction_is_json (ins))
    read_exec_form (lint, ins, &script, &facts);
  else
    read_shell_form (lint, ins, &script, &facts);

  if (facts.pip_install)
    {
      check_user_cache (lint, ins, &pip_cache, keyword_offset, facts.no_cache_dir, facts.no_cache_env, NULL);
      check_pip_http_index (lint, &facts, keyword_offset);
      check_externally_managed (lint, ins, &facts, onbuild);
    }
  if (facts.apt_install)
    check_apt_cache (lint, ins, onbuild, keyword_offset);
  if (facts.npm_install)
    check_user_cache (lint, ins, &npm_cache, keyword_offset, facts.npm_cache_flags, NULL,
                      facts.npm_cache_dir);
  if (facts.apt_pip)
    lint->apt_pip = TRUE;

  g_array_unref (facts.no_cache_dir);
  g_array_unref (facts.no_cache_env);
  g_array_unref (facts.npm_cache_flags);
  g_ptr_array_unref (facts.pip_http_hosts);
  g_free (facts.npm_cache_dir);
}

/* BuildKit fails the build on an instruction it does not know. */
static void
check_known_instruction (DockyardLint        *lint,
                         DockyardInstruction *ins)
{
  static const char * const known[] = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", NULL,
  };
  const char *keyword = dockyard_instruction_get_keyword (ins);
  g_autofree char *message = NULL;
  gsize offset;

  if (g_strv_contains (known, keyword))
    return;

  message = g_strdup_printf (_("unknown instruction “%s”: the build fails here"), keyword);
  offset = dockyard_instruction_get_keyword_end (ins);
  /* At the keyword itself, also after ONBUILD. */
  if (offset >= strlen (keyword) + dockyard_instruction_get_range (ins)->start.offset)
    offset -= strlen (keyword);
  else
    offset = dockyard_instruction_get_range (ins)->start.offset;
  _dockyard_lint_add_finding (lint, DOCKYARD_RULE_UNKNOWN_INSTRUCTION, DOCKYARD_SEVERITY_ERROR,
                              offset, message);
}

static void
check_base_images (DockyardLint *lint)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < dockyard_dockerfile_get_n_stages (lint->df); i++)
    {
      const DockyardStage *stage = dockyard_dockerfile_get_stage (lint->df, i);
      g_autoptr(DockyardImageRef) ref = NULL;
      g_autofree char *lower = NULL;
      g_autofree char *message = NULL;
      const char *image = stage->expanded_base_image;
      gboolean earlier_stage = FALSE;

      if (image != NULL)
        {
          lower = g_ascii_strdown (image, -1);
          for (guint k = 0; k < names->len; k++)
            if (g_str_equal (g_ptr_array_index (names, k), lower))
              earlier_stage = TRUE;
        }
      if (stage->name != NULL)
        g_ptr_array_add (names, g_ascii_strdown (stage->name, -1));

      /* Unknown variables, scratch and earlier stages are not images to pin. */
      if (image == NULL || earlier_stage || g_str_equal (lower, "scratch"))
        continue;

      ref = dockyard_image_ref_parse (image, NULL);
      if (ref == NULL)
        continue;

      switch (dockyard_image_ref_get_pinning (ref))
        {
        case DOCKYARD_IMAGE_PINNING_UNTAGGED:
          message = g_strdup_printf (_("base image “%s” has no tag: it silently follows “latest”; pin an exact version"),
                                     image);
          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED, DOCKYARD_SEVERITY_ERROR,
                                      stage->base_image_offset, message);
          break;
        case DOCKYARD_IMAGE_PINNING_LATEST:
          message = g_strdup_printf (_("base image “%s” uses the tag “latest”, which changes without notice; pin an exact version"),
                                     image);
          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_BASE_IMAGE_LATEST, DOCKYARD_SEVERITY_ERROR,
                                      stage->base_image_offset, message);
          break;
        case DOCKYARD_IMAGE_PINNING_FLOATING:
          message = g_strdup_printf (_("base image tag “%s” names no exact release; pin a full version (like 3.11.2) or add a digest"),
                                     dockyard_image_ref_get_tag (ref));
          _dockyard_lint_add_finding (lint, DOCKYARD_RULE_BASE_IMAGE_FLOATING, DOCKYARD_SEVERITY_WARNING,
                                      stage->base_image_offset, message);
          break;
        case DOCKYARD_IMAGE_PINNING_EXACT:
        case DOCKYARD_IMAGE_PINNING_DIGEST:
        default:
          break;
        }
    }
}

static void
reset_stage (DockyardLint *lint)
{
  g_free (lint->workdir);
  lint->workdir = g_strdup ("/");
  g_clear_pointer (&lint->user, g_free);
  g_clear_pointer (&lint->user_raw, g_free);
  g_clear_pointer (&lint->user_unknown_var, g_free);
  g_clear_pointer (&lint->user_uid, g_free);
  g_clear_pointer (&lint->user_gid, g_free);
  g_clear_pointer (&lint->user_home, g_free);
  g_hash_table_remove_all (lint->env);
  g_hash_table_remove_all (lint->vars);
  lint->apt_pip = FALSE;
  lint->externally_managed = FALSE;
  g_ptr_array_set_size (lint->copies, 0);
  lint->apt_keep_cache = FALSE;
  g_clear_pointer (&lint->apt_keep_prefix, g_free);
}

static void
record_copy (DockyardLint        *lint,
             DockyardInstruction *ins)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);
  g_autofree char *dest = NULL;
  Copy *copy;

  if (n < 2 || dockyard_instruction_get_flag_value (ins, "from") != NULL ||
      dockyard_instruction_get_n_heredocs (ins) > 0)
    return;

  copy = g_new0 (Copy, 1);
  dest = resolve_in_image (lint, args[n - 1]);
  copy->dest_is_dir = g_str_has_suffix (args[n - 1], "/") || n > 2 ||
                      g_str_equal (args[n - 1], ".") || g_str_has_suffix (args[n - 1], "/.");
  copy->dest = g_steal_pointer (&dest);
  copy->sources = g_new0 (char *, n);
  for (guint i = 0; i + 1 < n; i++)
    copy->sources[i] = g_strdup (args[i]);
  g_ptr_array_add (lint->copies, copy);
}

static void
track_instruction (DockyardLint        *lint,
                   DockyardInstruction *ins)
{
  const char *keyword = dockyard_instruction_get_keyword (ins);
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);

  if (g_str_equal (keyword, "WORKDIR") && n == 1)
    {
      g_autofree char *value = strip_quotes (args[0]);
      char *resolved = resolve_in_image (lint, value);

      g_free (lint->workdir);
      lint->workdir = resolved;
    }
  else if (g_str_equal (keyword, "USER") && n == 1)
    _dockyard_lint_set_user (lint, args[0]);
  else if (g_str_equal (keyword, "ENV"))
    {
      for (guint i = 0; i + 1 < n; i += 3)
        {
          char *value = _dockyard_expand_word (args[i + 1], dockyard_dockerfile_get_escape_char (lint->df),
                                               lint->vars);

          g_hash_table_replace (lint->env, g_strdup (args[i]),
                                value != NULL ? g_strdup (value) : strip_quotes (args[i + 1]));
          g_hash_table_replace (lint->vars, g_strdup (args[i]), value);
        }
    }
  else if (g_str_equal (keyword, "ARG"))
    {
      for (guint i = 0; i < n; i++)
        {
          const char *eq = strchr (args[i], '=');
          g_autofree char *name = g_strndup (args[i], eq != NULL ? (gsize) (eq - args[i]) : strlen (args[i]));
          char *value = NULL;

          if (eq != NULL)
            value = _dockyard_expand_word (eq + 1, dockyard_dockerfile_get_escape_char (lint->df), lint->vars);
          else if (g_hash_table_lookup (lint->df->meta_args, name) != NULL)
            value = g_strdup (g_hash_table_lookup (lint->df->meta_args, name));
          else if (g_hash_table_contains (lint->vars, name))
            continue;   /* an ENV of the same name keeps its value */
          g_hash_table_replace (lint->vars, g_steal_pointer (&name), value);
        }
    }
  else if (g_str_equal (keyword, "COPY") || g_str_equal (keyword, "ADD"))
    record_copy (lint, ins);
  else if (g_str_equal (keyword, "RUN"))
    {
      if (strstr (dockyard_instruction_get_logical_line (ins), "docker-clean") != NULL)
        lint->apt_keep_cache = TRUE;
      if (strstr (dockyard_instruction_get_logical_line (ins), "EXTERNALLY-MANAGED") != NULL)
        lint->externally_managed = FALSE;
      for (guint h = 0; h < dockyard_instruction_get_n_heredocs (ins); h++)
        if (strstr (dockyard_instruction_get_heredoc (ins, h)->content, "docker-clean") != NULL)
          lint->apt_keep_cache = TRUE;
    }
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  return dockyard_finding_compare (*(DockyardFinding * const *) a, *(DockyardFinding * const *) b);
}

/**
 * dockyard_lint_dockerfile:
 * @dockerfile: a parsed Dockerfile
 * @context: (nullable): the build context, to read the requirements
 *   files the Dockerfile installs
 * @cancellable: (nullable): a #GCancellable
 *
 * Runs every rule.  Reads requirements files from @context: call it from a
 * thread when that may block.
 *
 * Returns: (transfer full) (element-type DockyardFinding): the findings,
 *   sorted by file, line, column and rule
 */
GPtrArray *
dockyard_lint_dockerfile (DockyardDockerfile *dockerfile,
                          GFile              *context,
                          GCancellable       *cancellable)
{
  DockyardLint lint = { 0 };

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (dockerfile), NULL);
  g_return_val_if_fail (context == NULL || G_IS_FILE (context), NULL);

  lint.df = dockerfile;
  lint.context = context;
  lint.cancellable = cancellable;
  lint.findings = g_ptr_array_new_with_free_func (g_object_unref);
  lint.reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lint.env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lint.copies = g_ptr_array_new_with_free_func ((GDestroyNotify) copy_free);
  lint.workdir = g_strdup ("/");
  lint.vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lint.users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) _dockyard_lint_user_free);

  check_base_images (&lint);
  _dockyard_lint_buildkit_checks (&lint);

  for (guint i = 0; i < dockyard_dockerfile_get_n_instructions (dockerfile); i++)
    {
      DockyardInstruction *ins = dockyard_dockerfile_get_instruction (dockerfile, i);
      const char *keyword = dockyard_instruction_get_keyword (ins);

      check_known_instruction (&lint, ins);
      if (g_str_equal (keyword, "ONBUILD") && dockyard_instruction_get_subcommand (ins) != NULL)
        check_known_instruction (&lint, dockyard_instruction_get_subcommand (ins));

      if (g_str_equal (keyword, "FROM"))
        {
          const DockyardStage *stage = dockyard_dockerfile_get_stage_for_instruction (dockerfile, i);

          reset_stage (&lint);
          if (stage != NULL)
            {
              _dockyard_lint_add_base_image_facts (&lint, stage->expanded_base_image);
              lint.externally_managed = _dockyard_lint_base_is_externally_managed (stage->expanded_base_image);
            }
          continue;
        }
      if (dockyard_dockerfile_get_stage_for_instruction (dockerfile, i) == NULL)
        continue;

      if (g_str_equal (keyword, "RUN"))
        check_run (&lint, ins, FALSE);
      else if (g_str_equal (keyword, "ONBUILD") && dockyard_instruction_get_subcommand (ins) != NULL &&
               g_str_equal (dockyard_instruction_get_keyword (dockyard_instruction_get_subcommand (ins)), "RUN"))
        check_run (&lint, dockyard_instruction_get_subcommand (ins), TRUE);

      track_instruction (&lint, ins);
    }

  _dockyard_lint_apply_check_directives (&lint);
  g_ptr_array_sort (lint.findings, compare_findings);
  reset_stage (&lint);
  g_free (lint.workdir);
  g_free (lint.apt_keep_prefix);
  g_hash_table_unref (lint.vars);
  g_hash_table_unref (lint.users);
  g_hash_table_unref (lint.reported);
  g_hash_table_unref (lint.env);
  g_ptr_array_unref (lint.copies);

  return lint.findings;
}

/**
 * dockyard_lint_text:
 * @text: the Dockerfile text
 * @length: its length or -1
 * @context: (nullable): the build context
 * @cancellable: (nullable): a #GCancellable
 *
 * Like dockyard_lint_dockerfile(), but a text that does not parse gives
 * one `parse-error` finding where the parser stopped.
 *
 * Returns: (transfer full) (element-type DockyardFinding): the findings
 */
GPtrArray *
dockyard_lint_text (const char   *text,
                    gssize        length,
                    GFile        *context,
                    GCancellable *cancellable)
{
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  df = dockyard_dockerfile_new_from_data (text, length, &error);
  if (df == NULL)
    {
      GPtrArray *findings = g_ptr_array_new_with_free_func (g_object_unref);
      DockyardSourcePosition pos = { 0, 1, 1 };

      dockyard_dockerfile_error_get_position (error, &pos);
      g_ptr_array_add (findings, dockyard_finding_new (DOCKYARD_RULE_PARSE_ERROR, DOCKYARD_SEVERITY_ERROR,
                                                       error->message, NULL, pos.line, pos.column,
                                                       pos.offset));
      return findings;
    }

  return dockyard_lint_dockerfile (df, context, cancellable);
}

/**
 * dockyard_lint_fix_text:
 * @text: the Dockerfile text
 * @length: its length or -1
 * @context: (nullable): the build context
 * @fixed: (out) (optional) (transfer full) (element-type DockyardFinding):
 *   the findings whose fixes were applied
 * @new_length: (out) (optional): the length of the result
 *
 * Applies every available fix at once.  Only the bytes the fixes change
 * differ from @text.
 *
 * Returns: (transfer full): the fixed text (a copy of @text when nothing
 *   could be fixed, e.g. when it does not parse)
 */
char *
dockyard_lint_fix_text (const char  *text,
                        gssize       length,
                        GFile       *context,
                        GPtrArray  **fixed,
                        gsize       *new_length)
{
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) edits = NULL;
  g_autoptr(GPtrArray) applied = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);

  findings = dockyard_lint_text (text, length, context, NULL);
  edits = g_ptr_array_new ();
  for (guint i = 0; i < findings->len; i++)
    {
      DockyardFinding *finding = g_ptr_array_index (findings, i);
      GPtrArray *fix = dockyard_finding_get_fix (finding);

      if (fix == NULL || dockyard_finding_get_file (finding) != NULL)
        continue;
      for (guint k = 0; k < fix->len; k++)
        g_ptr_array_add (edits, g_ptr_array_index (fix, k));
      g_ptr_array_add (applied, g_object_ref (finding));
    }

  if (fixed != NULL)
    *fixed = g_steal_pointer (&applied);

  return dockyard_text_edits_apply (text, length, edits, new_length, NULL);
}
