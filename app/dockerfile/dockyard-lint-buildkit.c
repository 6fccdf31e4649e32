/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerignore.h"
#include "dockyard-image-ref.h"
#include "dockyard-lint-private.h"
#include "dockyard-read-file.h"
#include "dockyard-text-edit.h"

/* BuildKit's own build checks (frontend/dockerfile/linter in moby/buildkit),
 * under BuildKit's names and with its wording, so that a user who knows
 * `docker build --check` recognises them.  What BuildKit learns from the
 * base image's config (its ENV, its SHELL) is not known here: where that
 * matters the rule stays quiet rather than guess (see UndefinedVar). */

typedef struct
{
  char       *name;          /* lower-cased, or NULL */
  int         parent;        /* the earlier stage it builds on, or -1 */
  gboolean    external;      /* an image from a registry (or unknown) */
  gboolean    shell_set;     /* a SHELL instruction ran */
  gboolean    workdir_set;   /* a WORKDIR ran */
  GHashTable *known;         /* variables defined: name -> value or NULL */
} Stage;

static void
stage_clear (Stage *stage)
{
  g_free (stage->name);
  g_clear_pointer (&stage->known, g_hash_table_unref);
}

/* The platform arguments BuildKit defines before the first FROM. */
static const char * const default_args[] = {
  "BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM",
  "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE", NULL,
};

/* Variables that common base images set in their config; BuildKit sees
 * them there, this linter cannot, so they are not reported as undefined
 * in a stage built on an image from a registry. */
static const char * const image_env[] = {
  "PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "HOSTNAME", "TERM", "SHELL", "USER", "TZ",
  "DEBIAN_FRONTEND", "PYTHON_VERSION", "PYTHON_SHA256", "PYTHON_PIP_VERSION",
  "PYTHON_SETUPTOOLS_VERSION", "PYTHON_GET_PIP_URL", "PYTHON_GET_PIP_SHA256", "GPG_KEY",
  "NODE_VERSION", "YARN_VERSION", "JAVA_HOME", "JAVA_VERSION", "JDK_VERSION", "GOLANG_VERSION",
  "GOPATH", "GOTOOLCHAIN", "RUBY_VERSION", "RUBY_MAJOR", "GEM_HOME", "BUNDLE_SILENCE_ROOT_WARNING",
  "BUNDLE_APP_CONFIG", "CARGO_HOME", "RUSTUP_HOME", "RUST_VERSION", "PHP_VERSION", "PHP_INI_DIR",
  "CONDA_DIR", "MAMBA_ROOT_PREFIX", "NB_USER", "NB_UID", "NB_GID", "JUPYTER_PORT", "VIRTUAL_ENV",
  "XDG_CACHE_HOME", "LD_LIBRARY_PATH", "MAVEN_HOME", "GRADLE_HOME", "DOTNET_VERSION",
  "ASPNET_VERSION", "NGINX_VERSION", "NJS_VERSION", "PKG_RELEASE", "PGDATA", "PG_VERSION",
  "PG_MAJOR", "MYSQL_VERSION", "REDIS_VERSION", "HTTPD_PREFIX", "CATALINA_HOME", NULL,
};

typedef struct
{
  DockyardLint *lint;
  GArray       *stages;           /* Stage */
  GHashTable   *global_args;      /* ARGs before the first FROM (and the default ones) */
  gboolean      majority_lower;
} Checks;

/* ---------------------------------------------------------------------- */

static DockyardFinding *
add (Checks              *c,
     const char          *rule,
     DockyardInstruction *ins,
     const char          *message)
{
  return _dockyard_lint_add_finding (c->lint, rule, DOCKYARD_SEVERITY_WARNING,
                                     dockyard_instruction_get_range (ins)->start.offset, message);
}

/* For rules BuildKit reports more than once per instruction, one per
 * @what (a variable, a source path). */
static void
add_each (Checks              *c,
          const char          *rule,
          DockyardInstruction *ins,
          const char          *what,
          const char          *message)
{
  const DockyardSourceRange *range = dockyard_instruction_get_range (ins);
  g_autofree char *key = g_strdup_printf ("%s:%s:%" G_GSIZE_FORMAT, rule, what, range->start.offset);

  if (!g_hash_table_add (c->lint->reported, g_steal_pointer (&key)))
    return;
  g_ptr_array_add (c->lint->findings,
                   dockyard_finding_new (rule, DOCKYARD_SEVERITY_WARNING, message, NULL,
                                         range->start.line, range->start.column, range->start.offset));
}

/* Levenshtein distance, for "did you mean" (BuildKit's suggest.Search:
 * the closest name under distance 3, none on an exact match). */
static guint
distance (const char *a,
          const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint best = MIN (row[j] + 1, row[j - 1] + 1);

          row[j] = MIN (best, diag + (a[i - 1] == b[j - 1] ? 0 : 1));
          diag = up;
        }
    }
  return row[lb];
}

static char *
suggest (const char *name,
         GHashTable *known)
{
  gpointer key;
  const char *best = NULL;
  guint best_distance = 3;
  g_autoptr(GList) keys = g_hash_table_get_keys (known);

  /* sorted, so that the answer does not depend on the hash order */
  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      guint d;

      key = l->data;
      if (g_str_equal (key, name))
        return NULL;
      if (strlen (key) > strlen (name) + 3 || strlen (name) > strlen (key) + 3)
        continue;
      d = distance (name, key);
      if (d < best_distance)
        {
          best = key;
          best_distance = d;
        }
    }
  return g_strdup (best);
}

/* The variables a word uses, as BuildKit's shell lexer sees them: not
 * escaped, not in single quotes; ${A:-$B} uses A and B. */
static GPtrArray *
word_variables (const char *word,
                char        escape)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  gboolean in_double = FALSE;

  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == escape && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == '"')
        in_double = !in_double;
      else if (*p == '\'' && !in_double)
        {
          const char *end = strchr (p + 1, '\'');

          if (end == NULL)
            break;
          p = end;
        }
      else if (*p == '$')
        {
          const char *start = p + 1 + (p[1] == '{');
          gsize n = 0;

          while (g_ascii_isalnum (start[n]) || start[n] == '_')
            n++;
          if (n > 0 && !g_ascii_isdigit (start[0]))
            g_ptr_array_add (names, g_strndup (start, n));
        }
    }
  return names;
}

/* ---------------------------------------------------------------------- */
/* Stages                                                                   */

static int
find_stage (Checks     *c,
            const char *name)
{
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  if (lower == NULL)
    return -1;
  for (guint i = 0; i < c->stages->len; i++)
    if (g_strcmp0 (g_array_index (c->stages, Stage, i).name, lower) == 0)
      return i;
  return -1;
}

static Stage *
current_stage (Checks *c)
{
  return c->stages->len > 0 ? &g_array_index (c->stages, Stage, c->stages->len - 1) : NULL;
}

static gboolean
is_known (Checks     *c,
          Stage      *stage,
          const char *name)
{
  for (Stage *s = stage; s != NULL;
       s = s->parent >= 0 ? &g_array_index (c->stages, Stage, s->parent) : NULL)
    {
      if (g_hash_table_contains (s->known, name))
        return TRUE;
      if (s->external)
        return FALSE;
    }
  return g_str_equal (name, "PATH");
}

static gboolean
stage_external (Checks *c,
                Stage  *stage)
{
  for (Stage *s = stage; s != NULL;
       s = s->parent >= 0 ? &g_array_index (c->stages, Stage, s->parent) : NULL)
    if (s->external)
      return TRUE;
  return FALSE;
}

static GHashTable *
all_known (Checks *c,
           Stage  *stage)
{
  GHashTable *all = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_add (all, (gpointer) "PATH");
  for (Stage *s = stage; s != NULL;
       s = s->parent >= 0 ? &g_array_index (c->stages, Stage, s->parent) : NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, s->known);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (all, key);
      if (s->external)
        break;
    }
  return all;
}

/* UndefinedVar: a variable an instruction expands that nothing defines. */
static void
check_words (Checks              *c,
             DockyardInstruction *ins,
             const char * const  *words,
             guint                n,
             guint                step)
{
  Stage *stage = current_stage (c);
  char escape = dockyard_dockerfile_get_escape_char (c->lint->df);

  for (guint i = 0; i < n; i += step)
    {
      g_autoptr(GPtrArray) names = word_variables (words[i], escape);

      for (guint k = 0; k < names->len; k++)
        {
          const char *name = g_ptr_array_index (names, k);
          g_autoptr(GHashTable) known = NULL;
          g_autofree char *match = NULL;
          g_autofree char *message = NULL;

          if (is_known (c, stage, name))
            continue;
          known = all_known (c, stage);
          match = suggest (name, known);
          /* On an image from a registry only what cannot come from its
           * config: a near miss of a defined name, or a lower-case name
           * that is no common image variable. */
          if (stage_external (c, stage) && match == NULL && !g_strv_contains (default_args, name) &&
              (g_strv_contains (image_env, name) || g_ascii_isupper (name[0])))
            continue;

          message = match != NULL
            /* Translators: BuildKit's wording; keep $%s */
            ? g_strdup_printf (_("Usage of undefined variable '$%s' (did you mean $%s?)"), name, match)
            : g_strdup_printf (_("Usage of undefined variable '$%s'"), name);
          add_each (c, DOCKYARD_RULE_UNDEFINED_VAR, ins, name, message);
        }
    }
}

/* A copy of @vars where a variable declared without a value is empty, as
 * BuildKit expands it. */
static GHashTable *
with_empty_values (GHashTable *vars)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, vars);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (copy, g_strdup (key), g_strdup (value != NULL ? value : ""));
  return copy;
}

static void
check_from (Checks              *c,
            DockyardInstruction *ins,
            const DockyardStage *dstage)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);
  const char *raw = ((DockyardInstruction *) ins)->raw_keyword;
  char escape = dockyard_dockerfile_get_escape_char (c->lint->df);
  Stage stage = { 0 };
  g_autofree char *message = NULL;

  stage.parent = -1;
  stage.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* FromAsCasing: "FROM x as y" */
  if (n == 3 && g_ascii_strcasecmp (args[1], "as") == 0)
    {
      g_autofree char *lower = g_ascii_strdown (raw, -1);
      g_autofree char *upper = g_ascii_strup (raw, -1);
      gboolean from_lower = g_str_equal (raw, lower);
      gboolean from_upper = g_str_equal (raw, upper);
      gboolean ok = (!from_lower && !from_upper) ||
                    (from_lower ? g_str_equal (args[1], "as") : g_str_equal (args[1], "AS"));

      if (!ok)
        {
          DockyardFinding *finding;
          gsize offset;
          gsize source;

          /* Translators: BuildKit's wording */
          message = g_strdup_printf (_("'%s' and '%s' keywords' casing do not match"), args[1], raw);
          finding = add (c, DOCKYARD_RULE_FROM_AS_CASING, ins, message);
          g_clear_pointer (&message, g_free);
          if (finding != NULL && dockyard_instruction_get_arg_offset (ins, 1, &offset) &&
              dockyard_instruction_map_offset (ins, offset, &source) &&
              g_ascii_strncasecmp (dockyard_dockerfile_get_text (c->lint->df, NULL) + source, "as", 2) == 0)
            {
              g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);

              g_ptr_array_add (edits, dockyard_text_edit_new (source, 2, from_lower ? "as" : "AS"));
              dockyard_finding_set_fix (finding, edits);
            }
        }

      /* StageNameCasing comes with it in BuildKit */
      {
        g_autofree char *name_lower = g_ascii_strdown (args[2], -1);

        if (!g_str_equal (name_lower, args[2]))
          {
            /* Translators: BuildKit's wording */
            message = g_strdup_printf (_("Stage name '%s' should be lowercase"), args[2]);
            add (c, DOCKYARD_RULE_STAGE_NAME_CASING, ins, message);
            g_clear_pointer (&message, g_free);
          }
        stage.name = g_steal_pointer (&name_lower);
      }
    }

  if (stage.name != NULL)
    {
      if (g_str_equal (stage.name, "context") || g_str_equal (stage.name, "scratch"))
        {
          /* Translators: BuildKit's wording */
          message = g_strdup_printf (_("Stage name should not use the same name as reserved stage \"%s\""), stage.name);
          add (c, DOCKYARD_RULE_RESERVED_STAGE_NAME, ins, message);
          g_clear_pointer (&message, g_free);
        }
      if (find_stage (c, stage.name) >= 0)
        {
          /* Translators: BuildKit's wording */
          message = g_strdup_printf (_("Duplicate stage name \"%s\", stage names should be unique"), stage.name);
          add (c, DOCKYARD_RULE_DUPLICATE_STAGE_NAME, ins, message);
          g_clear_pointer (&message, g_free);
        }
    }

  if (n >= 1)
    {
      g_autoptr(GPtrArray) names = word_variables (args[0], escape);
      const char *platform = dockyard_instruction_get_flag_value (ins, "platform");
      g_autoptr(GPtrArray) platform_names = platform != NULL ? word_variables (platform, escape) : NULL;

      /* UndefinedArgInFrom */
      for (guint pass = 0; pass < 2; pass++)
        {
          GPtrArray *list = pass == 0 ? names : platform_names;

          for (guint k = 0; list != NULL && k < list->len; k++)
            {
              const char *name = g_ptr_array_index (list, k);
              g_autofree char *match = NULL;

              if (g_hash_table_contains (c->global_args, name))
                continue;
              match = suggest (name, c->global_args);
              message = match != NULL
                /* Translators: BuildKit's wording */
                ? g_strdup_printf (_("FROM argument '%s' is not declared (did you mean %s?)"), name, match)
                : g_strdup_printf (_("FROM argument '%s' is not declared"), name);
              add (c, DOCKYARD_RULE_UNDEFINED_ARG_IN_FROM, ins, message);
              g_clear_pointer (&message, g_free);
            }
        }

      /* InvalidDefaultArgInFrom: with the defaults only, no image name
       * (BuildKit checks every FROM, with variables or not) */
        {
          g_autoptr(GHashTable) defaults = with_empty_values (c->global_args);
          g_autofree char *expanded = _dockyard_expand_word (args[0], escape, defaults);
          gboolean valid = expanded != NULL && *expanded != '\0';

          if (valid)
            {
              g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (expanded, NULL);

              valid = ref != NULL || find_stage (c, expanded) >= 0 ||
                      g_ascii_strcasecmp (expanded, "scratch") == 0;
            }
          if (!valid)
            {
              /* Translators: BuildKit's wording */
              message = g_strdup_printf (_("Default value for ARG %s results in empty or invalid base image name"),
                                         args[0]);
              add (c, DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM, ins, message);
              g_clear_pointer (&message, g_free);
            }
        }

      /* which stage it builds on */
      {
        const char *base = dstage != NULL ? dstage->expanded_base_image : NULL;

        stage.parent = base != NULL ? find_stage (c, base) : -1;
        stage.external = stage.parent < 0 && (base == NULL || g_ascii_strcasecmp (base, "scratch") != 0);
      }
    }

  g_array_append_val (c->stages, stage);
}

static gboolean
is_secret_name (const char *key)
{
  static const char * const deny[] = {
    "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret",
    "token", NULL,
  };
  static const char * const allow[] = { "public", "file", "version", NULL };
  g_autofree char *lower = g_ascii_strdown (key, -1);
  g_auto(GStrv) parts = g_strsplit (lower, "_", -1);
  gboolean denied = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_strv_contains (allow, parts[i]))
        return FALSE;
      if (g_strv_contains (deny, parts[i]))
        denied = TRUE;
    }
  return denied;
}

static void
check_secret (Checks              *c,
              DockyardInstruction *ins,
              const char          *instruction,
              const char          *key)
{
  g_autofree char *message = NULL;

  if (!is_secret_name (key))
    return;
  /* Translators: BuildKit's wording; %s are ARG or ENV and a name */
  message = g_strdup_printf (_("Do not use ARG or ENV instructions for sensitive data (%s \"%s\")"), instruction, key);
  add (c, DOCKYARD_RULE_SECRETS_USED_IN_ARG_OR_ENV, ins, message);
}

/* LegacyKeyValueFormat: ENV key value.  The fix writes key=value, the
 * value in double quotes when it has blanks (which expand the same). */
static void
check_legacy_key_value (Checks              *c,
                        DockyardInstruction *ins)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);
  const char *keyword = dockyard_instruction_get_keyword (ins);
  const char *text = dockyard_dockerfile_get_text (c->lint->df, NULL);
  g_autofree char *message = NULL;
  DockyardFinding *finding;
  gsize key_offset, value_offset, key_source, value_source, value_end;
  const char *value;

  {
    gboolean legacy = FALSE;

    for (guint i = 0; i + 2 < n; i += 3)
      if (args[i + 2][0] == '\0')
        legacy = TRUE;
    if (!legacy)
      return;
  }

  /* Translators: BuildKit's wording; %s is ENV or LABEL */
  message = g_strdup_printf (_("\"%s key=value\" should be used instead of legacy \"%s key value\" format"),
                             keyword, keyword);
  finding = add (c, DOCKYARD_RULE_LEGACY_KEY_VALUE_FORMAT, ins, message);

  /* the legacy form has one pair: key, then the rest of the line */
  if (finding == NULL || n != 3 ||
      !dockyard_instruction_get_arg_offset (ins, 0, &key_offset) ||
      !dockyard_instruction_get_arg_offset (ins, 1, &value_offset) ||
      !dockyard_instruction_map_offset (ins, key_offset, &key_source) ||
      !dockyard_instruction_map_offset (ins, value_offset, &value_source))
    return;
  value = args[1];
  if (strncmp (text + key_source, args[0], strlen (args[0])) != 0)
    return;
  key_source += strlen (args[0]);
  if (key_source >= value_source || strspn (text + key_source, " \t") != value_source - key_source)
    return;
  value_end = value_source + strlen (value);
  if (strncmp (text + value_source, value, strlen (value)) != 0)
    return;   /* continuation lines or escapes in between */

  {
    g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
    gboolean quote = strpbrk (value, " \t") != NULL;

    /* only where the key=value form reads the same words back: no other
     * blank than space and tab (BuildKit splits on \r, \v, NBSP…) */
    for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
      {
        gunichar ch = g_utf8_get_char (p);

        if (_dockyard_is_go_space (ch) && ch != ' ' && ch != '\t')
          return;
      }
    if (strpbrk (value, "\"'\\`") != NULL || *args[0] == '\0' ||
        strspn (args[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen (args[0]))
      return;
    g_ptr_array_add (edits, dockyard_text_edit_new (key_source, value_source - key_source, quote ? "=\"" : "="));
    if (quote)
      g_ptr_array_add (edits, dockyard_text_edit_new (value_end, 0, "\""));
    dockyard_finding_set_fix (finding, edits);
  }
}

/* CopyIgnoredFile: a COPY of a path the .dockerignore leaves out can never
 * work.  Like BuildKit, not when the file has exceptions (!pattern). */
static DockyardDockerignore *
load_dockerignore (Checks *c)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (c->lint->context == NULL)
    return NULL;
  file = g_file_get_child (c->lint->context, ".dockerignore");
  if (!dockyard_read_file (c->lint->context, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, NULL))
    return NULL;
  return dockyard_dockerignore_new_from_contents (contents, length, NULL);
}

static gboolean
root_ignored (char **patterns)
{
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    if (g_str_equal (patterns[i], "*") || g_str_equal (patterns[i], "**") || g_str_equal (patterns[i], "**/*"))
      return TRUE;
  return FALSE;
}

static void
check_copy_ignored (Checks               *c,
                    DockyardInstruction  *ins,
                    DockyardDockerignore *ignore,
                    char                **patterns)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);
  gboolean is_add = g_str_equal (dockyard_instruction_get_keyword (ins), "ADD");

  if (ignore == NULL || n < 2 || dockyard_instruction_get_flag_value (ins, "from") != NULL ||
      dockyard_instruction_get_n_heredocs (ins) > 0)
    return;

  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *clean = NULL;
      g_autofree char *message = NULL;
      const char *src = args[i];
      gboolean ignored;

      if (strchr (src, '$') != NULL || strstr (src, "://") != NULL || g_str_has_prefix (src, "git@"))
        continue;
      clean = dockyard_dockerignore_clean_path (src);
      if (g_str_equal (clean, ".") || g_str_equal (clean, "/") || *clean == '\0')
        ignored = root_ignored (patterns);
      else
        ignored = dockyard_dockerignore_matches (ignore, clean[0] == '/' ? clean + 1 : clean);
      if (!ignored)
        continue;
      /* Translators: BuildKit's wording; the first %s is Copy or Add */
      message = g_strdup_printf (_("Attempting to %s file \"%s\" that is excluded by .dockerignore"),
                                 is_add ? "Add" : "Copy", clean);
      add_each (c, DOCKYARD_RULE_COPY_IGNORED_FILE, ins, clean, message);
    }
}

/* ConsistentInstructionCasing: counted over the stages' instructions
 * (FROM included, the ARGs before the first FROM not), as BuildKit does. */
static gboolean
self_consistent (const char *word)
{
  g_autofree char *lower = g_ascii_strdown (word, -1);
  g_autofree char *upper = g_ascii_strup (word, -1);

  return g_str_equal (word, lower) || g_str_equal (word, upper);
}

static void
count_casing (Checks *c)
{
  guint lower = 0, upper = 0;
  gboolean seen_from = FALSE;

  for (guint i = 0; i < dockyard_dockerfile_get_n_instructions (c->lint->df); i++)
    {
      DockyardInstruction *ins = dockyard_dockerfile_get_instruction (c->lint->df, i);
      const char *raw = ins->raw_keyword;
      g_autofree char *low = g_ascii_strdown (raw, -1);

      if (g_str_equal (ins->keyword, "FROM"))
        seen_from = TRUE;
      if (!seen_from || !self_consistent (raw))
        continue;
      if (g_str_equal (raw, low))
        lower++;
      else
        upper++;
    }
  c->majority_lower = lower > upper;
}

static void
check_casing (Checks              *c,
              DockyardInstruction *ins)
{
  const char *raw = ins->raw_keyword;
  g_autofree char *lower = g_ascii_strdown (raw, -1);
  g_autofree char *upper = g_ascii_strup (raw, -1);
  const char *wanted = c->majority_lower ? lower : upper;
  g_autofree char *message = NULL;
  DockyardFinding *finding;
  gsize start;

  if (g_str_equal (raw, wanted))
    return;
  /* Translators: BuildKit's wording; the second %s is lowercase or uppercase */
  message = g_strdup_printf (_("Command '%s' should match the case of the command majority (%s)"), raw,
                             c->majority_lower ? "lowercase" : "uppercase");
  finding = add (c, DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING, ins, message);
  start = dockyard_instruction_get_keyword_end (ins);
  /* MAINTAINER's own fix rewrites the keyword in the majority's case */
  if (finding != NULL && start >= strlen (raw) && !g_str_equal (ins->keyword, "MAINTAINER"))
    {
      const char *text = dockyard_dockerfile_get_text (c->lint->df, NULL);
      g_autoptr(GPtrArray) edits = NULL;

      start -= strlen (raw);
      if (strncmp (text + start, raw, strlen (raw)) != 0)
        return;
      edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
      g_ptr_array_add (edits, dockyard_text_edit_new (start, strlen (raw), wanted));
      dockyard_finding_set_fix (finding, edits);
    }
}

static void
check_maintainer (Checks              *c,
                  DockyardInstruction *ins)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  const DockyardSourceRange *range = dockyard_instruction_get_range (ins);
  const char *text = dockyard_dockerfile_get_text (c->lint->df, NULL);
  DockyardFinding *finding;
  gsize start = dockyard_instruction_get_keyword_end (ins);
  gsize end = range->end.offset;
  const char *raw = ins->raw_keyword;

  finding = add (c, DOCKYARD_RULE_MAINTAINER_DEPRECATED, ins,
                 /* Translators: BuildKit's wording */
                 _("Maintainer instruction is deprecated in favor of using label"));
  if (finding == NULL || dockyard_instruction_get_n_args (ins) != 1 || start < strlen (raw) ||
      strpbrk (args[0], "\"\\$\n") != NULL)
    return;
  start -= strlen (raw);
  while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    end--;
  /* one line, as written: MAINTAINER Jane <jane@example.com> */
  if (memchr (text + start, '\n', end - start) != NULL)
    return;

  {
    g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
    g_autofree char *label = g_strdup_printf ("%s org.opencontainers.image.authors=\"%s\"",
                                              c->majority_lower ? "label" : "LABEL",
                                              args[0]);

    g_ptr_array_add (edits, dockyard_text_edit_new (start, end - start, label));
    dockyard_finding_set_fix (finding, edits);
  }
}

static void
track_vars (Checks              *c,
            DockyardInstruction *ins)
{
  Stage *stage = current_stage (c);
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);

  if (g_str_equal (ins->keyword, "ENV"))
    for (guint i = 0; i + 1 < n; i += 3)
      g_hash_table_add (stage->known, g_strdup (args[i]));
  else if (g_str_equal (ins->keyword, "ARG"))
    for (guint i = 0; i < n; i++)
      g_hash_table_add (stage->known, g_strndup (args[i], strcspn (args[i], "=")));
}

void
_dockyard_lint_buildkit_checks (DockyardLint *lint)
{
  DockyardDockerfile *df = lint->df;
  Checks c = { lint, NULL, NULL, FALSE };
  g_autoptr(DockyardDockerignore) ignore = NULL;
  g_auto(GStrv) patterns = NULL;
  gboolean seen_from = FALSE;

  c.stages = g_array_new (FALSE, TRUE, sizeof (Stage));
  g_array_set_clear_func (c.stages, (GDestroyNotify) stage_clear);
  c.global_args = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; default_args[i] != NULL; i++)
    g_hash_table_replace (c.global_args, g_strdup (default_args[i]), g_strdup (""));
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, df->meta_args);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_replace (c.global_args, g_strdup (key), g_strdup (value));
  }

  ignore = load_dockerignore (&c);
  if (ignore != NULL && dockyard_dockerignore_has_exceptions (ignore))
    g_clear_pointer (&ignore, dockyard_dockerignore_unref);
  if (ignore != NULL)
    {
      g_autoptr(GFile) file = g_file_get_child (lint->context, ".dockerignore");
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (dockyard_read_file (lint->context, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, NULL))
        patterns = dockyard_dockerignore_parse (contents, length);
    }

  count_casing (&c);

  for (guint i = 0; i < dockyard_dockerfile_get_n_instructions (df); i++)
    {
      DockyardInstruction *ins = dockyard_dockerfile_get_instruction (df, i);
      const char *keyword = ins->keyword;
      const char * const *args = dockyard_instruction_get_args (ins);
      guint n = dockyard_instruction_get_n_args (ins);
      Stage *stage;

      if (g_str_equal (keyword, "FROM"))
        {
          seen_from = TRUE;
          check_from (&c, ins, dockyard_dockerfile_get_stage_for_instruction (df, i));
        }
      if (!seen_from)
        continue;
      check_casing (&c, ins);
      if (g_str_equal (keyword, "FROM"))
        continue;
      stage = current_stage (&c);

      if (g_str_equal (keyword, "MAINTAINER"))
        check_maintainer (&c, ins);
      else if (g_str_equal (keyword, "SHELL"))
        stage->shell_set = TRUE;
      else if ((g_str_equal (keyword, "CMD") || g_str_equal (keyword, "ENTRYPOINT")) &&
               !dockyard_instruction_is_json (ins) && n > 0)
        {
          gboolean shell_set = FALSE;

          for (Stage *s = stage; s != NULL;
               s = s->parent >= 0 ? &g_array_index (c.stages, Stage, s->parent) : NULL)
            shell_set |= s->shell_set;
          if (!shell_set)
            {
              g_autofree char *message =
                /* Translators: BuildKit's wording; %s is CMD or ENTRYPOINT */
                g_strdup_printf (_("JSON arguments recommended for %s to prevent unintended behavior related to OS signals"),
                                 keyword);

              add (&c, DOCKYARD_RULE_JSON_ARGS_RECOMMENDED, ins, message);
            }
        }
      else if (g_str_equal (keyword, "WORKDIR") && n == 1)
        {
          gboolean set = FALSE;

          for (Stage *s = stage; s != NULL;
               s = s->parent >= 0 ? &g_array_index (c.stages, Stage, s->parent) : NULL)
            set |= s->workdir_set;
          check_words (&c, ins, args, n, 1);
          if (!set && (args[0][0] != '$' || strchr (args[0], '/') == NULL))
            {
              g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
              g_autofree char *path = _dockyard_expand_word (args[0], dockyard_dockerfile_get_escape_char (df), none);

              if (path != NULL && path[0] != '/')
                {
                  /* Translators: BuildKit's wording */
                  g_autofree char *message = g_strdup_printf (_("Relative workdir \"%s\" can have unexpected results if the base image changes"), path);

                  add (&c, DOCKYARD_RULE_WORKDIR_RELATIVE_PATH, ins, message);
                }
            }
          stage->workdir_set = TRUE;
        }
      else if (g_str_equal (keyword, "ENV") || g_str_equal (keyword, "LABEL"))
        {
          check_legacy_key_value (&c, ins);
          if (g_str_equal (keyword, "ENV"))
            {
              for (guint k = 0; k + 1 < n; k += 3)
                check_secret (&c, ins, "ENV", args[k]);
              check_words (&c, ins, args + 1, n > 0 ? n - 1 : 0, 3);
            }
          else
            check_words (&c, ins, args, n, 1);
        }
      else if (g_str_equal (keyword, "ARG"))
        {
          for (guint k = 0; k < n; k++)
            {
              g_autofree char *name = g_strndup (args[k], strcspn (args[k], "="));
              const char *eq = strchr (args[k], '=');

              check_secret (&c, ins, "ARG", name);
              if (eq != NULL)
                {
                  const char *value = eq + 1;

                  check_words (&c, ins, &value, 1, 1);
                }
            }
        }
      else if (g_str_equal (keyword, "COPY") || g_str_equal (keyword, "ADD"))
        {
          const char *chown = dockyard_instruction_get_flag_value (ins, "chown");
          const char *chmod = dockyard_instruction_get_flag_value (ins, "chmod");

          check_copy_ignored (&c, ins, ignore, patterns);
          if (dockyard_instruction_get_n_heredocs (ins) == 0)
            check_words (&c, ins, args, n, 1);
          /* BuildKit expands these two flags as well */
          if (chown != NULL)
            check_words (&c, ins, &chown, 1, 1);
          if (chmod != NULL)
            check_words (&c, ins, &chmod, 1, 1);
        }
      else if (g_str_equal (keyword, "EXPOSE") || g_str_equal (keyword, "STOPSIGNAL") ||
               g_str_equal (keyword, "USER") || g_str_equal (keyword, "VOLUME"))
        check_words (&c, ins, args, n, 1);

      track_vars (&c, ins);
    }

  g_array_unref (c.stages);
  g_hash_table_unref (c.global_args);
}
